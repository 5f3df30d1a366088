from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectiviteFeeBracket(models.Model):
    """One line of a téléservice's grid by quotient familial: households whose
    quotient lies in [min, max] pay this amount (per item when the fee counts
    items)."""

    _name = "collectivite.fee.bracket"
    _description = "Fee bracket by quotient familial"
    _order = "teleservice_id, quotient_min, id"

    teleservice_id = fields.Many2one(
        "collectivite.teleservice", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="teleservice_id.company_id", store=True, index=True)
    name = fields.Char("Bracket", required=True, translate=True)
    quotient_min = fields.Integer("Quotient from", required=True, default=0)
    quotient_max = fields.Integer("Quotient up to", help="Empty (0): no upper bound.")
    currency_id = fields.Many2one(related="teleservice_id.fee_currency_id")
    amount = fields.Monetary(required=True, currency_field="currency_id")

    @api.constrains("quotient_min", "quotient_max", "amount")
    def _check_bounds(self):
        for bracket in self:
            if bracket.amount < 0 or bracket.quotient_min < 0:
                raise ValidationError(
                    self.env._(
                        "Bracket %(bracket)s: no negative amount or quotient.", bracket=bracket.name
                    )
                )
            if bracket.quotient_max and bracket.quotient_max < bracket.quotient_min:
                raise ValidationError(
                    self.env._(
                        "Bracket %(bracket)s: the upper bound is below the lower one.",
                        bracket=bracket.name,
                    )
                )

    def _matches(self, quotient):
        self.ensure_one()
        return self.quotient_min <= quotient and (
            not self.quotient_max or quotient <= self.quotient_max
        )
