from odoo import api, fields, models


class HelpdeskCallLog(models.Model):
    """One call of the phone desk, imported from the phone system's log."""

    _name = "helpdesk.call.log"
    _description = "Phone desk call"
    _order = "date_call desc"

    contract_id = fields.Many2one("helpdesk.sla.contract", required=True, index=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    date_call = fields.Datetime(string="Call start", required=True, index=True)
    is_answered = fields.Boolean(string="Answered")
    wait_seconds = fields.Integer(string="Seconds before pick-up")
    agent = fields.Char()
    # KPI columns (averaged by pivot and graph views)
    kpi_lost = fields.Float(string="Lost calls (%)", aggregator="avg", readonly=True)
    kpi_picked_in_time = fields.Float(
        string="Picked up in time (%)", aggregator="avg", readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        contract_ids = {vals.get("contract_id") for vals in vals_list}
        limits = {
            contract.id: contract.phone_pickup_seconds
            for contract in self.env["helpdesk.sla.contract"].browse(list(contract_ids))
        }
        for vals in vals_list:
            answered = bool(vals.get("is_answered"))
            vals["kpi_lost"] = 0.0 if answered else 100.0
            limit = limits.get(vals.get("contract_id")) or 30
            vals["kpi_picked_in_time"] = (
                100.0 if answered and (vals.get("wait_seconds") or 0) <= limit else 0.0
            )
        return super().create(vals_list)

    @api.model
    def _phone_kpis(self, contracts, date_from, date_to):
        """{contract_id: (calls, loss %, picked up in time %)}."""
        groups = self._read_group(
            [
                ("contract_id", "in", contracts.ids),
                ("date_call", ">=", date_from),
                ("date_call", "<", date_to),
            ],
            ["contract_id"],
            ["__count", "kpi_lost:avg", "kpi_picked_in_time:avg"],
        )
        return {contract.id: (count, lost, picked) for contract, count, lost, picked in groups}
