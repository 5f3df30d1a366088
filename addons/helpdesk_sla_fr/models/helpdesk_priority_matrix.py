from odoo import api, fields, models

IMPACTS = [("high", "High"), ("medium", "Medium"), ("low", "Low")]


class HelpdeskPriorityMatrix(models.Model):
    """One cell of a contract's priority matrix: impact × blocking → priority."""

    _name = "helpdesk.priority.matrix"
    _inherit = ["collectivite.registry.cache.source"]
    _description = "Helpdesk priority matrix cell"
    _order = "contract_id, impact, is_blocking desc"

    contract_id = fields.Many2one(
        "helpdesk.sla.contract", required=True, index=True, ondelete="cascade"
    )
    impact = fields.Selection(IMPACTS, required=True)
    is_blocking = fields.Boolean(string="Blocking")
    priority = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["priority"].selection,
        required=True,
    )

    _sql_constraints = [
        (
            "cell_unique",
            "UNIQUE(contract_id, impact, is_blocking)",
            "A priority matrix has one cell per impact and blocking.",
        ),
    ]

    @api.constrains("contract_id", "impact", "is_blocking")
    def _check_contract_matrix(self):
        self.contract_id._check_matrix()

    def unlink(self):
        contracts = self.contract_id
        result = super().unlink()
        contracts.exists()._check_matrix()
        return result
