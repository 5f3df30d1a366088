"""KPIs of a ticket under contract, stored so that pivot and graph views read
them without computing: set at the first response and at closing, unknown
again (NULL, left out of the averages) when the ticket is reopened."""

from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.collectivite_base.markers import marked

# KPI columns: NULL when not applicable, 0 or 100 once known (averaged by pivots).
KPI_FIELDS = ["kpi_response_in_time", "kpi_resolution_in_time", "kpi_first_contact"]


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    response_hours = fields.Float(
        string="Working hours to respond", copy=False, readonly=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        string="Working hours to resolve", copy=False, readonly=True, aggregator="avg"
    )
    kpi_response_in_time = fields.Float(
        string="First response in time (%)", copy=False, readonly=True, aggregator="avg"
    )
    kpi_resolution_in_time = fields.Float(
        string="Resolved in time (%)", copy=False, readonly=True, aggregator="avg"
    )
    kpi_first_contact = fields.Float(
        string="First-contact resolution (%)", copy=False, readonly=True, aggregator="avg"
    )

    @marked("sla_internal")
    def _sla_set_first_response(self, when, recompute=True):
        """Record the first response and its KPI (batch per calendar)."""
        by_calendar = defaultdict(list)
        for ticket in self:
            by_calendar[ticket._sla_calendar()].append(ticket)
        # A 0.0 equal to the cached value of a NULL column would not be written.
        self.invalidate_recordset(KPI_FIELDS)
        for calendar, tickets in by_calendar.items():
            hours = calendar.working_time_between(
                [t.date_sla_start or t.create_date for t in tickets], [when] * len(tickets)
            )
            for ticket, spent in zip(tickets, hours, strict=True):
                values = {"date_first_response": when, "response_hours": spent}
                if ticket.date_response_due:
                    values["kpi_response_in_time"] = (
                        100.0 if when <= ticket.date_response_due else 0.0
                    )
                self.browse(ticket.id).write(values)
        if recompute:
            self._sla_recompute()

    @marked("sla_internal")
    def _sla_on_close(self):
        """Resolution KPIs and the closing mail of tickets reaching a closed
        stage; their outages end."""
        now = fields.Datetime.now()
        by_calendar = defaultdict(list)
        for ticket in self:
            by_calendar[ticket._sla_calendar()].append(ticket)
        # A 0.0 equal to the cached value of a NULL column would not be written.
        self.invalidate_recordset(KPI_FIELDS)
        for calendar, tickets in by_calendar.items():
            ends = [t.closed_date or now for t in tickets]
            hours = calendar.working_time_between(
                [t.date_sla_start or t.create_date for t in tickets], ends
            )
            for ticket, spent, end in zip(tickets, hours, ends, strict=True):
                values = {
                    "resolution_hours": max(spent - ticket.sla_paused_hours, 0.0),
                    "kpi_first_contact": 100.0 if ticket.escalation_level <= 1 else 0.0,
                }
                if ticket.date_resolution_due:
                    values["kpi_resolution_in_time"] = (
                        100.0 if end <= ticket.date_resolution_due else 0.0
                    )
                if ticket.sla_contract_id.send_closing_mail and ticket.partner_id:
                    values["sla_mail_pending"] = "closing"
                self.browse(ticket.id).write(values)
        self._sla_close_outages(now)
        if any(t.sla_mail_pending == "closing" for t in self):
            self.env.ref("helpdesk_sla_fr.ir_cron_sla_send_mails")._trigger()

    @marked("sla_internal")
    def _sla_on_reopen(self):
        """Tickets leaving a closed stage: no closing date nor closing mail, and
        their resolution KPIs are unknown again (NULL, left out of the averages)."""
        self.write({"closed_date": False, "sla_mail_pending": False})
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET kpi_resolution_in_time = NULL, "
                "kpi_first_contact = NULL, resolution_hours = NULL WHERE id IN %s",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(
            ["kpi_resolution_in_time", "kpi_first_contact", "resolution_hours"]
        )
