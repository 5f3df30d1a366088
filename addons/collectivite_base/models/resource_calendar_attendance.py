from odoo import api, models


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    # An opening period changes the working time of its calendar: the
    # transaction's working-time tables are dropped.
    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        self.env["resource.calendar"]._invalidate_working_time_tables()
        return attendances

    def write(self, vals):
        result = super().write(vals)
        self.env["resource.calendar"]._invalidate_working_time_tables()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["resource.calendar"]._invalidate_working_time_tables()
        return result
