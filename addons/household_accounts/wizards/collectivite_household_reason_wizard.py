from odoo import fields, models


class CollectiviteHouseholdReasonWizard(models.TransientModel):
    """Asks the agent why a household or a citizen's change is refused."""

    _name = "collectivite.household.reason.wizard"
    _description = "Reason of a household refusal"

    household_id = fields.Many2one("collectivite.household", required=True)
    change_id = fields.Many2one("collectivite.household.change")
    reason = fields.Text(required=True, help="Sent to the citizen.")

    def action_confirm(self):
        self.ensure_one()
        if self.change_id:
            self.change_id.action_refuse(self.reason)
        else:
            self.household_id.action_invalidate(self.reason)
        return {"type": "ir.actions.act_window_close"}
