"""Deadlines of the open tickets follow their calendar: a closure added or
removed, opening hours changed (``collectivite.deadline.consumer`` of
collectivite_base) recompute the due dates and status of the open tickets
whose window it overlaps, one history note per ticket whose due date moved."""

from odoo import api, fields, models
from odoo.tools import SQL

DEADLINE_FIELDS = (
    "date_response_due",
    "date_resolution_due",
    "date_sla_deadline",
    "date_sla_at_risk",
    "sla_status",
)
# The due dates a note reports (the at-risk instant follows them silently).
LOGGED_FIELDS = ("date_response_due", "date_resolution_due")


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "collectivite.deadline.consumer"]  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _deadline_candidate_domain(self, calendar_ids, date_from, date_to):
        domain = [
            ("closed_date", "=", False),
            ("sla_contract_id", "!=", False),
            ("date_sla_deadline", "!=", False),
        ]
        if calendar_ids is not None:
            domain += [
                "|",
                ("sla_contract_id.calendar_id", "in", calendar_ids),
                ("sla_contract_id.oncall_calendar_id", "in", calendar_ids),
            ]
        if date_from:
            domain += [
                "|",
                ("date_response_due", ">=", date_from),
                ("date_resolution_due", ">=", date_from),
            ]
        if date_to:
            domain += [("date_sla_start", "<=", date_to)]
        return domain

    def _deadline_recompute(self):
        """Due dates, at-risk instant and status of ``self`` from their
        calendars as they are now, stored in one statement; returns the
        changes of the due dates (see ``collectivite.deadline.consumer``)."""
        tickets = self.filtered("sla_contract_id")
        if not tickets:
            return []
        tickets.fetch(
            [
                *DEADLINE_FIELDS,
                "sla_contract_id",
                "is_oncall",
                "priority",
                "ticket_type",
                "date_sla_start",
                "create_date",
                "sla_paused_hours",
                "date_first_response",
                "date_sla_paused",
                "company_id",
            ]
        )
        now = fields.Datetime.now()
        plans = self._sla_plan(tickets._sla_items())
        rows = []
        changes = []
        for ticket, values in zip(tickets, plans, strict=True):
            calendar = ticket._sla_calendar()
            values["sla_status"] = self._sla_status_of(
                values,
                now,
                paused=bool(ticket.date_sla_paused),
                current=ticket.sla_status,
            )
            if all(values[name] == ticket[name] for name in DEADLINE_FIELDS):
                continue
            rows.append(
                SQL(
                    "(%s, %s, %s, %s, %s, %s)",
                    ticket.id,
                    *[values[name] or None for name in DEADLINE_FIELDS],
                )
            )
            moves = [
                (name, ticket[name], values[name])
                for name in LOGGED_FIELDS
                if values[name] != ticket[name]
            ]
            if moves:
                changes.append((ticket.id, ticket.company_id, calendar.tz, moves))
        if rows:
            self._deadline_store(rows)
        return changes

    def _deadline_store(self, rows):
        """Write the recomputed values (``(id, values...)`` rows in the order
        of ``DEADLINE_FIELDS``) in one ``UPDATE``: no field computes from
        them, none is tracked."""
        self.flush_model(DEADLINE_FIELDS)
        self.env.cr.execute(
            SQL(
                """UPDATE %(table)s AS t
                      SET date_response_due = v.response::timestamp,
                          date_resolution_due = v.resolution::timestamp,
                          date_sla_deadline = v.deadline::timestamp,
                          date_sla_at_risk = v.at_risk::timestamp,
                          sla_status = v.status,
                          write_date = now() AT TIME ZONE 'UTC'
                     FROM (VALUES %(rows)s)
                          AS v(id, response, resolution, deadline, at_risk, status)
                    WHERE t.id = v.id""",
                table=SQL.identifier(self._table),
                rows=SQL(", ").join(rows),
            )
        )
        self.invalidate_model([*DEADLINE_FIELDS, "write_date"])
