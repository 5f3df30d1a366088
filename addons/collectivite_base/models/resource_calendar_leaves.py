from odoo import api, fields, models


class ResourceCalendarLeaves(models.Model):
    _name = "resource.calendar.leaves"
    _inherit = ["resource.calendar.leaves", "collectivite.working.time.source"]

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

    def _affects_registry_cache(self):
        # An employee's own time off (a leave with a resource) is not part of a
        # calendar's working time: it must not clear every worker's cache.
        return any(not leave.resource_id for leave in self)
