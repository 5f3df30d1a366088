from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectiviteTeleservice(models.Model):
    """The fee of a téléservice and the régie it is paid to: a fixed amount, an
    amount per item chosen in a form field (a canteen day), or a grid by
    quotient familial (per item too when a field is counted)."""

    _inherit = "collectivite.teleservice"  # pylint: disable=consider-merging-classes-inherited

    fee_type = fields.Selection(
        [
            ("none", "No fee"),
            ("fixed", "Fixed amount"),
            ("per_item", "Amount per item"),
            ("quotient", "Grid by quotient familial"),
        ],
        required=True,
        default="none",
        tracking=True,
    )
    regie_id = fields.Many2one("collectivite.regie", "Régie", check_company=True, tracking=True)
    fee_currency_id = fields.Many2one(
        "res.currency", compute="_compute_fee_currency_id", string="Fee currency"
    )
    fee_amount = fields.Monetary(
        "Amount",
        currency_field="fee_currency_id",
        tracking=True,
        help="The fixed amount, or the amount of one item.",
    )
    fee_field_id = fields.Many2one(
        "collectivite.form.field",
        "Counted field",
        domain="[('teleservice_id', '=', id), ('field_type', 'in', ('multi_choice', 'number'))]",
        help="Form field whose items are counted (the days of a choice list, or a number): "
        "the amount is per item.",
    )
    fee_bracket_ids = fields.One2many(
        "collectivite.fee.bracket", "teleservice_id", string="Quotient grid"
    )
    fee_counter_allowed = fields.Boolean(
        "Payable at the counter", help="The citizen may also pay at the counter (or a borne)."
    )

    def _compute_fee_currency_id(self):
        # The id alone (cached): no query to check that the euro still exists.
        euro = self.env["res.currency"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id("base.EUR", raise_if_not_found=True)
        )
        for teleservice in self:
            teleservice.fee_currency_id = euro

    @api.constrains("fee_type", "regie_id", "fee_field_id", "fee_amount")
    def _check_fee(self):
        for teleservice in self.filtered(lambda t: t.fee_type != "none"):
            if not teleservice.regie_id:
                raise ValidationError(
                    self.env._(
                        "%(teleservice)s has a fee: choose the régie it is paid to.",
                        teleservice=teleservice.name,
                    )
                )
            if teleservice.fee_type == "per_item" and not teleservice.fee_field_id:
                raise ValidationError(
                    self.env._(
                        "%(teleservice)s: an amount per item needs the counted field.",
                        teleservice=teleservice.name,
                    )
                )
            if teleservice.fee_amount < 0:
                raise ValidationError(
                    self.env._(
                        "%(teleservice)s: the amount cannot be negative.",
                        teleservice=teleservice.name,
                    )
                )

    def _fee_bracket(self, household, when):
        """The bracket of ``household`` on the date ``when``: the one containing
        its quotient while it is valid, otherwise the dearest one."""
        self.ensure_one()
        brackets = self.fee_bracket_ids
        if not brackets:
            return brackets
        if household.quotient_familial and (
            not household.quotient_date_end or household.quotient_date_end >= when
        ):
            for bracket in brackets:
                if bracket._matches(household.quotient_familial):
                    return bracket
        return brackets.sorted("amount")[-1:]
