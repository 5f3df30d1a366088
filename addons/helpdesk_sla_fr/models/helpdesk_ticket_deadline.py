"""Deadlines of the open tickets follow their calendar: a closure added or
removed, opening hours changed (``collectivite.deadline.consumer`` of
collectivite_base) recompute the due dates and status of the open tickets
whose window it overlaps, one history row per due date moved
(``collectivite.deadline.history``), written with the new values."""

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.collectivite_base.models.resource_calendar_working_time import (
    US_PER_SECOND,
    to_us,
)
from odoo.addons.collectivite_base.sql_arrays import pg_array, pg_plain_array

from . import sla_planner

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
        query as integers (instants in microseconds since the epoch), planned
        and compared as columns (``sla_planner.plan_columns``: no record, no
        datetime nor dict per ticket), the planner answering per calendar."""
        if not self:
            return 0
        self.flush_model()
        Deadline = self.env["helpdesk.ticket.sla.deadline"]
        Deadline.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT t.id, t.sla_deadline_id, t.sla_contract_id, t.is_oncall, t.priority,
                          t.ticket_type, %(start)s, t.sla_paused_hours,
                          t.date_first_response IS NOT NULL, t.date_sla_paused IS NOT NULL,
                          %(columns)s, d.sla_status
                     FROM %(table)s t
                     JOIN %(deadline)s d ON d.id = t.sla_deadline_id
                    WHERE t.id = ANY(%(ids)s::int[]) AND t.sla_contract_id IS NOT NULL
                      -- a batch is a range of ids (the job's order): read that range of
                      -- the table by its index, not the whole table
                      AND t.id BETWEEN %(first)s AND %(last)s
                    ORDER BY t.id""",
                first=min(self.ids),
                last=max(self.ids),
                start=_us(SQL("COALESCE(t.date_sla_start, t.create_date)")),
                columns=SQL(", ").join(
                    _us(SQL.identifier("d", name)) for name in DEADLINE_FIELDS[:4]
                ),
                table=SQL.identifier(self._table),
                deadline=SQL.identifier(Deadline._table),
                ids=pg_array(self.ids),
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        (
            ticket_ids,
            row_ids,
            contract_ids,
            oncall,
            priorities,
            types,
            starts,
            paused_hours,
            answered,
            paused,
            *old,
        ) = (list(column) for column in zip(*rows, strict=True))
        contracts = self.env["helpdesk.sla.contract"].browse(set(contract_ids))
        # the calendars by id: an int is cheaper to hash per ticket than a record
        calendar_of = {(contract.id, False): contract.calendar_id.id for contract in contracts} | {
            (contract.id, True): (contract.oncall_calendar_id or contract.calendar_id).id
            for contract in contracts
        }
        calendars = {
            calendar.id: calendar
            for calendar in (contracts.calendar_id | contracts.oncall_calendar_id)
        }
        share_of = {contract.id: contract.at_risk_share for contract in contracts}
        plan = sla_planner.plan_columns(
            {
                "contract": contract_ids,
                "share": [share_of[contract_id] for contract_id in contract_ids],
                "calendar": [calendar_of[key] for key in zip(contract_ids, oncall, strict=True)],
                "priority": priorities,
                "ticket_type": types,
                "start": starts,
                "paused_hours": paused_hours,
                "answered": answered,
                "calendars": calendars,
            },
            contracts._target_map(),
        )
        # stored to the second (the values read back compare equal)
        new = [
            [None if value is None else value - value % US_PER_SECOND for value in plan[name]]
            for name in ("response", "resolution", "deadline", "at_risk")
        ]
        now = to_us(fields.Datetime.now())
        open_status = sla_planner.open_status
        new.append(
            [
                open_status(deadline, at_risk, now, is_paused, current) or None
                for deadline, at_risk, is_paused, current in zip(
                    new[2], new[3], paused, old[4], strict=True
                )
            ]
        )
        changed = [
            index
            for index, (values, before) in enumerate(
                zip(zip(*new, strict=True), zip(*old, strict=True), strict=True)
            )
            if values != before
        ]
        moved = sum(
            1
            for index in changed
            if new[0][index] != old[0][index] or new[1][index] != old[1][index]
        )
        if changed:
            self._deadline_store(
                [ticket_ids[index] for index in changed],
                [row_ids[index] for index in changed],
                [[column[index] for index in changed] for column in new],
            )
        return moved

    def _deadline_store(self, ticket_ids, row_ids, values):
        """Write the recomputed values on the tickets' rows of due dates
        (``helpdesk.ticket.sla.deadline``, ids ``row_ids``: the ticket's own
        row is not rewritten) and the history of the moved due dates
        (``LOGGED_FIELDS``, one ``collectivite.deadline.history`` row each)
        in one statement: the values are sent once, the old ones read where
        they are. ``values`` holds one column per name of ``DEADLINE_FIELDS``,
        the instants in microseconds since the epoch (whole seconds), ``None``
        for none. No stored field computes from them, none is tracked."""
        Deadline = self.env["helpdesk.ticket.sla.deadline"]
        Deadline.flush_model(DEADLINE_FIELDS)
        History = self.env["collectivite.deadline.history"]
        History.flush_model()
        seconds = [
            [None if value is None else value // US_PER_SECOND for value in column]
            for column in values[:4]
        ]
        self.env.cr.execute(
            SQL(
                """WITH v AS (
                        SELECT v.ticket_id, v.id,
                               %(epoch)s + v.response * interval '1 second' AS response,
                               %(epoch)s + v.resolution * interval '1 second' AS resolution,
                               %(epoch)s + v.deadline * interval '1 second' AS deadline,
                               %(epoch)s + v.at_risk * interval '1 second' AS at_risk,
                               v.status
                          FROM unnest(%(ids)s::int[], %(rows)s::int[], %(response)s::int8[],
                                      %(resolution)s::int8[], %(deadline)s::int8[],
                                      %(at_risk)s::int8[], %(status)s::varchar[])
                               AS v(ticket_id, id, response, resolution, deadline, at_risk,
                                    status)
                   ), old AS (
                        -- the snapshot of the statement: the values before the update
                        SELECT v.ticket_id, v.response, v.resolution,
                               d.date_response_due AS old_response,
                               d.date_resolution_due AS old_resolution
                          FROM v JOIN %(table)s d ON d.id = v.id
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
                    CROSS JOIN LATERAL (
                          VALUES ('date_response_due', old.old_response, old.response),
                                 ('date_resolution_due', old.old_resolution, old.resolution)
                          ) AS m(field_name, date_old, date_new)
                    WHERE m.date_old IS DISTINCT FROM m.date_new""",
                epoch=SQL("'epoch'::timestamp"),
                table=SQL.identifier(Deadline._table),
                history=SQL.identifier(History._table),
                model=self._name,
                ids=pg_plain_array(ticket_ids),
                rows=pg_plain_array(row_ids),
                response=pg_plain_array(seconds[0]),
                resolution=pg_plain_array(seconds[1]),
                deadline=pg_plain_array(seconds[2]),
                at_risk=pg_plain_array(seconds[3]),
                status=pg_plain_array(values[4]),
            )
        )
        Deadline.invalidate_model(DEADLINE_FIELDS)
        self.invalidate_model(DEADLINE_FIELDS)
        History.invalidate_model()


def _us(column):
    """SQL: the naive UTC instant ``column`` as integer microseconds since the
    epoch (``NULL`` stays ``NULL``)."""
    return SQL("(extract(epoch FROM %s) * 1000000)::int8", column)
