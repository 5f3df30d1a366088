"""Mails to the requester (acknowledgement, closing with the rating link),
sent by a cron from a pending marker set at creation and closing."""

from odoo import api, fields, models
from odoo.tools.sql import create_index, drop_index, make_index_name

from odoo.addons.collectivite_base.markers import server_marks


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # Indexed on the pending tickets only (``init``): a plain index would take
    # one entry per ticket at every update of a ticket's row.
    sla_mail_pending = fields.Selection(
        [("acknowledgement", "Acknowledgement"), ("closing", "Closing")],
        copy=False,
        readonly=True,
    )

    def init(self):
        super().init()
        drop_index(self.env.cr, make_index_name(self._table, "sla_mail_pending"), self._table)
        # the cron's query, in its order
        create_index(
            self.env.cr,
            "helpdesk_ticket_sla_mail_pending_idx",
            self._table,
            ["id"],
            where="sla_mail_pending IS NOT NULL",
        )

    def _track_template(self, changes):
        """OCA sends the closed stage's mail template; under a contract that
        sends its own closing mail (with the rating link), that one only."""
        res = super()._track_template(changes)
        ticket = self[:1]
        if (
            "stage_id" in res
            and ticket.stage_id.closed
            and ticket.sla_contract_id.send_closing_mail
            and ticket.partner_id
        ):
            del res["stage_id"]
        return res

    @api.model
    def _cron_sla_send_mails(self, limit=200):
        """Acknowledgement and closing mails, one batch a run; the pending
        marker is cleared with the mail, so a rerun sends nothing twice."""
        tickets = self.search([("sla_mail_pending", "!=", False)], limit=limit, order="id")
        templates = {
            "acknowledgement": "helpdesk_sla_fr.mail_template_ticket_acknowledgement",
            "closing": "helpdesk_sla_fr.mail_template_ticket_closing",
        }
        for kind, xmlid in templates.items():
            batch = tickets.filtered(lambda t, k=kind: t.sla_mail_pending == k)
            template = self.env.ref(xmlid)
            for ticket in batch:
                ticket.message_post_with_source(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=ticket.partner_id.ids,
                    email_layout_xmlid="mail.mail_notification_light",
                )
        with server_marks("sla_internal"):
            tickets.write({"sla_mail_pending": False})
        remaining = self.search_count([("sla_mail_pending", "!=", False)])
        self.env["ir.cron"]._notify_progress(done=len(tickets), remaining=remaining)
