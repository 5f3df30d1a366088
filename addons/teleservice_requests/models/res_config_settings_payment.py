from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    collectivite_payment_online = fields.Boolean(
        related="company_id.collectivite_payment_online", readonly=False
    )
    collectivite_payment_message = fields.Text(
        related="company_id.collectivite_payment_message", readonly=False
    )
    collectivite_payment_history = fields.Boolean(
        related="company_id.collectivite_payment_history", readonly=False
    )
