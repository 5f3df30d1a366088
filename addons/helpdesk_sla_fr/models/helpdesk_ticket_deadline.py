"""Deadlines of the open tickets follow their calendar: a closure added or
removed, opening hours changed (``collectivite.deadline.consumer`` of
collectivite_base) recompute the due dates and status of the open tickets
whose window it overlaps, one history row per due date moved
(``collectivite.deadline.history``), written with the new values."""

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.collectivite_base.sql_arrays import pg_array

DEADLINE_FIELDS = (
    "date_response_due",
    "date_resolution_due",
    "date_sla_deadline",
    "date_sla_at_risk",
    "sla_status",
)
# The due dates the history reports (the at-risk instant follows them
# silently); ``_deadline_store`` names them in its statement.
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
        calendars as they are now, stored with the history of the moved due
        dates in one statement; returns the number of tickets whose due dates
        moved (see ``collectivite.deadline.consumer``).

        Tens of thousands of tickets a batch: their columns are read in one
        query (no record per ticket), the planner answers per calendar."""
        if not self:
            return 0
        self.flush_model()
        self.env["helpdesk.ticket.sla.deadline"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT t.id, t.sla_deadline_id, t.sla_contract_id, t.is_oncall, t.priority,
                          t.ticket_type, COALESCE(t.date_sla_start, t.create_date),
                          t.sla_paused_hours, t.date_first_response,
                          t.date_sla_paused IS NOT NULL, %(columns)s
                     FROM %(table)s t
                     JOIN %(deadline)s d ON d.id = t.sla_deadline_id
                    WHERE t.id = ANY(%(ids)s::int[]) AND t.sla_contract_id IS NOT NULL
                    ORDER BY t.id""",
                columns=SQL(", ").join(SQL.identifier("d", name) for name in DEADLINE_FIELDS),
                table=SQL.identifier(self._table),
                deadline=SQL.identifier(self.env["helpdesk.ticket.sla.deadline"]._table),
                ids=pg_array(self.ids),
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        contracts = self.env["helpdesk.sla.contract"].browse({row[2] for row in rows})
        calendars = {
            contract.id: (contract.calendar_id, contract.oncall_calendar_id or contract.calendar_id)
            for contract in contracts
        }
        contract_of = {contract.id: contract for contract in contracts}
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
        moved = 0
        for row, values in zip(rows, plans, strict=True):
            for name in DEADLINE_FIELDS[:4]:
                if values[name]:
                    values[name] = values[name].replace(microsecond=0)
            values["sla_status"] = self._sla_status_of(
                values, now, paused=row[9], current=row[first + 4]
            )
            new = tuple(values[name] or None for name in DEADLINE_FIELDS)
            if new == row[first:]:
                continue
            updates.append((row[0], row[1], *new))
            if new[: len(LOGGED_FIELDS)] != row[first : first + len(LOGGED_FIELDS)]:
                moved += 1
        if updates:
            self._deadline_store(updates)
        return moved

    def _deadline_store(self, rows):
        """Write the recomputed values (``(ticket id, row id, values...)``
        tuples, the values in the order of ``DEADLINE_FIELDS``) on the
        tickets' rows of due dates (``helpdesk.ticket.sla.deadline``: the
        ticket's own row is not rewritten) and the history of the moved due
        dates (``LOGGED_FIELDS``, one ``collectivite.deadline.history`` row
        each) in one statement: the values are sent once, the old ones read
        where they are. No stored field computes from them, none is tracked."""
        Deadline = self.env["helpdesk.ticket.sla.deadline"]
        Deadline.flush_model(DEADLINE_FIELDS)
        History = self.env["collectivite.deadline.history"]
        History.flush_model()
        columns = list(zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """WITH v AS (
                        SELECT *
                          FROM unnest(%(ids)s::int[], %(rows)s::int[], %(response)s::timestamp[],
                                      %(resolution)s::timestamp[], %(deadline)s::timestamp[],
                                      %(at_risk)s::timestamp[], %(status)s::varchar[])
                               AS v(ticket_id, id, response, resolution, deadline, at_risk,
                                    status)
                   ), old AS (
                        -- the snapshot of the statement: the values before the update
                        SELECT v.ticket_id, d.date_response_due AS response,
                               d.date_resolution_due AS resolution
                          FROM %(table)s d JOIN v ON v.id = d.id
                   ), updated AS (
                        UPDATE %(table)s AS d
                           SET date_response_due = v.response,
                               date_resolution_due = v.resolution,
                               date_sla_deadline = v.deadline,
                               date_sla_at_risk = v.at_risk,
                               sla_status = v.status
                          FROM v
                         WHERE d.id = v.id
                   )
                   INSERT INTO %(history)s (res_model, res_id, field_name, date, date_old,
                                            date_new)
                   SELECT %(model)s, old.ticket_id, m.field_name, now() AT TIME ZONE 'UTC',
                          m.date_old, m.date_new
                     FROM old
                     JOIN v ON v.ticket_id = old.ticket_id
                    CROSS JOIN LATERAL (
                          VALUES ('date_response_due', old.response, v.response),
                                 ('date_resolution_due', old.resolution, v.resolution)
                          ) AS m(field_name, date_old, date_new)
                    WHERE m.date_old IS DISTINCT FROM m.date_new""",
                table=SQL.identifier(Deadline._table),
                history=SQL.identifier(History._table),
                model=self._name,
                ids=pg_array(columns[0]),
                rows=pg_array(columns[1]),
                response=pg_array(columns[2]),
                resolution=pg_array(columns[3]),
                deadline=pg_array(columns[4]),
                at_risk=pg_array(columns[5]),
                status=pg_array(columns[6]),
            )
        )
        Deadline.invalidate_model(DEADLINE_FIELDS)
        self.invalidate_model(DEADLINE_FIELDS)
        History.invalidate_model()
