from odoo import fields, models


class CollectiviteRequest(models.Model):
    """A refusal always carries its reasons (loi du 11 juillet 1979, Code des
    relations entre le public et l'administration, art. L211-2): the refuse
    moves are blocked until they are written, and the citizen reads them."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    refusal_reason = fields.Text(
        string="Reasons of the refusal",
        tracking=True,
        copy=False,
        help="Shown to the citizen in their space and in the mail of the decision.",
    )

    def _refusal_blockers(self, values):
        reason = values["refusal_reason"] if "refusal_reason" in values else self.refusal_reason
        if not (reason or "").strip():
            return [self.env._("a refusal must state its reasons: write them first")]
        return []

    def action_open_refusal_wizard(self):
        """The agent's “Refuse” button: a dialog asking for the reasons."""
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse the request"),
            "res_model": "collectivite.request.refusal.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }
