from odoo import api, fields, models


class CollectiviteRequestRefusalWizard(models.TransientModel):
    """Refuse requests with the reasons the citizen will read."""

    _name = "collectivite.request.refusal.wizard"
    _description = "Refusal of a request"

    request_ids = fields.Many2many("collectivite.request", string="Requests", readonly=True)
    reason = fields.Text(string="Reasons of the refusal", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "collectivite.request":
            # The requests are read with the agent's rights (no sudo).
            requests = self.env["collectivite.request"].browse(
                self.env.context.get("active_ids") or []
            )
            values["request_ids"] = [fields.Command.set(requests.exists().ids)]
        return values

    def action_confirm(self):
        self.ensure_one()
        self.request_ids._move("refused", {"refusal_reason": self.reason})
        return {"type": "ir.actions.act_window_close"}
