from odoo import fields, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    is_french_holiday = fields.Boolean(
        string="French Public Holiday",
        readonly=True,
        copy=False,
        help="Generated from the French public holidays of the working schedule.",
    )
