from odoo import fields, models


class ResCompany(models.Model):
    """The collectivité's choices about online payment in the citizen's space."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    collectivite_payment_online = fields.Boolean("Online payment", default=True)
    collectivite_payment_message = fields.Text(
        "Message when online payment is off",
        translate=True,
        help="Shown to citizens instead of the payment button.",
    )
    collectivite_payment_history = fields.Boolean("Payment history in the portal", default=True)
