from odoo import api, fields, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    is_french_holiday = fields.Boolean(
        string="French Public Holiday",
        readonly=True,
        copy=False,
        help="Generated from the French public holidays of the working schedule.",
    )

    @api.depends("calendar_id")
    def _compute_company_id(self):
        # The closures of a calendar shared by all companies belong to no company,
        # so that the multi-company rule shows them to every company using it.
        shared = self.filtered(lambda leave: leave.calendar_id and not leave.calendar_id.company_id)
        shared.company_id = False
        super(ResourceCalendarLeaves, self - shared)._compute_company_id()

    # A leave changes the working time of its calendar, or of every calendar
    # when it has none: the transaction's working-time tables are dropped.
    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        self.env["resource.calendar"]._invalidate_working_time_tables()
        return leaves

    def write(self, vals):
        result = super().write(vals)
        self.env["resource.calendar"]._invalidate_working_time_tables()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["resource.calendar"]._invalidate_working_time_tables()
        return result
