"""Hooks on OCA's workflow (configurable stages) and on agents' replies:
pause while waiting for the requester, resume, first response, closing and
reopening."""

from collections import defaultdict

from odoo import fields, models

from odoo.addons.collectivite_base.markers import marked


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    @marked("sla_internal")
    def _sla_on_stage_change(self):
        """Hook on stage changes: pause, resume, first response, closing,
        reopening."""
        if not self:
            return
        now = fields.Datetime.now()
        to_pause = self.filtered(
            lambda t: t.stage_id.is_waiting_requester and not t.date_sla_paused
        )
        to_resume = self.filtered(
            lambda t: not t.stage_id.is_waiting_requester and t.date_sla_paused
        )
        if to_pause:
            self.browse(to_pause.ids).write({"date_sla_paused": now})
        recompute = self.browse()
        if to_resume:
            by_calendar = defaultdict(list)
            for ticket in to_resume:
                by_calendar[ticket._sla_calendar()].append(ticket)
            for calendar, tickets in by_calendar.items():
                hours = calendar.working_time_between(
                    [t.date_sla_paused for t in tickets], [now] * len(tickets)
                )
                for ticket, paused in zip(tickets, hours, strict=True):
                    self.browse(ticket.id).write(
                        {
                            "date_sla_paused": False,
                            "sla_paused_hours": ticket.sla_paused_hours + paused,
                        }
                    )
            recompute |= to_resume
        responded = self.filtered(lambda t: not t.date_first_response)
        if responded:
            responded._sla_set_first_response(now, recompute=False)
            recompute |= responded
        recompute._sla_recompute()
        closed = self.filtered(lambda t: t.stage_id.closed)
        if closed:
            closed._sla_on_close()
        reopened = self.filtered(lambda t: not t.stage_id.closed and t.closed_date)
        if reopened:
            reopened._sla_on_reopen()
        (self - recompute)._sla_refresh_status(now)

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if (
            not self.env.user.share
            and kwargs.get("message_type") == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
        ):
            pending = self.filtered(lambda t: t.sla_contract_id and not t.date_first_response)
            if pending:
                pending._sla_set_first_response(fields.Datetime.now())
        return message
