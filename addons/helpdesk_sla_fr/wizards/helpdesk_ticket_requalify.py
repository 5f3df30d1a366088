from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.collectivite_base.markers import server_marks

from ..models.helpdesk_priority_matrix import IMPACTS


class HelpdeskTicketRequalify(models.TransientModel):
    """Change a ticket's impact, blocking status or priority, with a reason
    kept in its chatter; its due dates are recomputed."""

    _name = "helpdesk.ticket.requalify"
    _description = "Requalify a helpdesk ticket"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    impact = fields.Selection(IMPACTS, required=True)
    is_blocking = fields.Boolean(string="Blocking")
    priority = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["priority"].selection,
        string="Forced priority",
        help="Leave empty to apply the contract's priority matrix.",
    )
    reason = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ticket_id = values.get("ticket_id") or self.env.context.get("active_id")
        if (
            ticket_id
            and self.env.context.get("active_model", "helpdesk.ticket") == "helpdesk.ticket"
        ):
            ticket = self.env["helpdesk.ticket"].browse(ticket_id)
            values.setdefault("ticket_id", ticket.id)
            values.setdefault("impact", ticket.impact or "medium")
            values.setdefault("is_blocking", ticket.is_blocking)
        return values

    def action_confirm(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Please give the reason of the requalification."))
        ticket = self.ticket_id
        priority = self.priority
        if not priority and ticket.sla_contract_id:
            priority = ticket.sla_contract_id._priority_for(self.impact, self.is_blocking)
        priority = priority or ticket.priority
        labels = dict(ticket._fields["priority"]._description_selection(self.env))
        old_priority = ticket.priority
        with server_marks("sla_requalify"):
            ticket.write(
                {"impact": self.impact, "is_blocking": self.is_blocking, "priority": priority}
            )
        ticket.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Requalified from priority “%(old)s” to “%(new)s”. Reason: %(reason)s",
                old=labels.get(old_priority, old_priority),
                new=labels.get(priority, priority),
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        ticket._sla_recompute()
        return {"type": "ir.actions.act_window_close"}
