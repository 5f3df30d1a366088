from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    household_signup_open = fields.Boolean(
        related="company_id.household_signup_open",
        readonly=False,
    )
