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
        changes of the due dates (see ``collectivite.deadline.consumer``).

        Tens of thousands of tickets a batch: their columns are read in one
        query (no record per ticket), the planner answers per calendar."""
        if not self:
            return []
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT id, company_id, sla_contract_id, is_oncall, priority, ticket_type,
                          COALESCE(date_sla_start, create_date), sla_paused_hours,
                          date_first_response, date_sla_paused IS NOT NULL, %(columns)s
                     FROM %(table)s
                    WHERE id = ANY(%(ids)s) AND sla_contract_id IS NOT NULL
                    ORDER BY id""",
                columns=SQL(", ").join(SQL.identifier(name) for name in DEADLINE_FIELDS),
                table=SQL.identifier(self._table),
                ids=self.ids,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return []
        contracts = self.env["helpdesk.sla.contract"].browse({row[2] for row in rows})
        calendars = {
            contract.id: (contract.calendar_id, contract.oncall_calendar_id or contract.calendar_id)
            for contract in contracts
        }
        contract_of = {contract.id: contract for contract in contracts}
        companies = {
            company.id: company
            for company in self.env["res.company"].browse({row[1] for row in rows if row[1]})
        }
        items = [
            {
                "contract": contract_of[row[2]],
                "calendar": calendars[row[2]][1 if row[3] else 0],
                "priority": row[4],
                "ticket_type": row[5],
                "start": row[6],
                "paused_hours": row[7],
                "first_response": row[8],
            }
            for row in rows
        ]
        plans = self._sla_plan(items)
        now = fields.Datetime.now()
        first = len(rows[0]) - len(DEADLINE_FIELDS)
        updates = []
        changes = []
        for row, item, values in zip(rows, items, plans, strict=True):
            for name in DEADLINE_FIELDS[:4]:
                if values[name]:
                    values[name] = values[name].replace(microsecond=0)
            values["sla_status"] = self._sla_status_of(
                values, now, paused=row[9], current=row[first + 4]
            )
            current = dict(zip(DEADLINE_FIELDS, row[first:], strict=True))
            if all((values[name] or None) == current[name] for name in DEADLINE_FIELDS):
                continue
            updates.append((row[0], *[values[name] or None for name in DEADLINE_FIELDS]))
            moves = [
                (name, current[name], values[name])
                for name in LOGGED_FIELDS
                if (values[name] or None) != current[name]
            ]
            if moves:
                changes.append((row[0], companies.get(row[1]), item["calendar"].tz, moves))
        if updates:
            self._deadline_store(updates)
        return changes

    def _deadline_store(self, rows):
        """Write the recomputed values (``(id, values...)`` tuples in the
        order of ``DEADLINE_FIELDS``) in one ``UPDATE``: no field computes
        from them, none is tracked."""
        self.flush_model(DEADLINE_FIELDS)
        columns = list(zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """UPDATE %(table)s AS t
                      SET date_response_due = v.response,
                          date_resolution_due = v.resolution,
                          date_sla_deadline = v.deadline,
                          date_sla_at_risk = v.at_risk,
                          sla_status = v.status,
                          write_date = now() AT TIME ZONE 'UTC'
                     FROM unnest(%(ids)s::int[], %(response)s::timestamp[],
                                 %(resolution)s::timestamp[], %(deadline)s::timestamp[],
                                 %(at_risk)s::timestamp[], %(status)s::varchar[])
                          AS v(id, response, resolution, deadline, at_risk, status)
                    WHERE t.id = v.id""",
                table=SQL.identifier(self._table),
                ids=list(columns[0]),
                response=list(columns[1]),
                resolution=list(columns[2]),
                deadline=list(columns[3]),
                at_risk=list(columns[4]),
                status=list(columns[5]),
            )
        )
        self.invalidate_model([*DEADLINE_FIELDS, "write_date"])
