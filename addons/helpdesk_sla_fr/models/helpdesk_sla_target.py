from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskSlaTarget(models.Model):
    """What a contract promises for one priority: first response or resolution
    within an amount of working hours or working days."""

    _name = "helpdesk.sla.target"
    _inherit = ["collectivite.registry.cache.source"]
    _description = "Helpdesk SLA target"
    _order = "contract_id, kind, priority desc"

    contract_id = fields.Many2one(
        "helpdesk.sla.contract", required=True, index=True, ondelete="cascade"
    )
    priority = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["priority"].selection,
        required=True,
    )
    kind = fields.Selection(
        [("response", "First response"), ("resolution", "Resolution")], required=True
    )
    amount = fields.Float(required=True)
    unit = fields.Selection(
        [("hours", "Working hours"), ("days", "Working days")],
        required=True,
        default="hours",
    )
    objective = fields.Float(string="Compliance objective (%)", default=90.0)

    _sql_constraints = [
        (
            "target_unique",
            "UNIQUE(contract_id, priority, kind)",
            "A contract has one target per priority and kind.",
        ),
    ]

    @api.constrains("amount", "objective")
    def _check_amount(self):
        for target in self:
            if target.amount <= 0:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: the target must be a positive amount "
                        "of working time (got %(amount)s).",
                        contract=target.contract_id.name,
                        amount=target.amount,
                    )
                )
            if not 0 < target.objective <= 100:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: the compliance objective must be "
                        "between 0 and 100 %%.",
                        contract=target.contract_id.name,
                    )
                )
