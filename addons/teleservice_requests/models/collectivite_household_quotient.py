from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectiviteHousehold(models.Model):
    """The household's quotient familial, entered by an agent from the CAF's
    figure with its validity date: it chooses the bracket of graded fees."""

    _inherit = "collectivite.household"  # pylint: disable=consider-merging-classes-inherited

    quotient_familial = fields.Integer(
        tracking=True,
        groups="collectivite_base.collectivite_group_agent",
        help="The CAF's quotient familial, in euros.",
    )
    quotient_date_end = fields.Date(
        "Quotient valid until",
        tracking=True,
        groups="collectivite_base.collectivite_group_agent",
        help="After this date the dearest bracket applies until a new figure is entered.",
    )
    payment_ids = fields.One2many(
        "collectivite.payment",
        "household_id",
        string="Payments",
        groups="collectivite_base.collectivite_group_agent",
    )

    @api.constrains("quotient_familial")
    def _check_quotient_familial(self):
        if any(household.quotient_familial < 0 for household in self):
            raise ValidationError(self.env._("A quotient familial cannot be negative."))
