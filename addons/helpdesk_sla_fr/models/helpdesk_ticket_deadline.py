"""Deadlines of the open tickets follow their calendar: a closure added or
removed, opening hours changed (``collectivite.deadline.consumer`` of
collectivite_base) recompute the due dates and status of the open tickets
whose window it overlaps, with the history of the moved due dates
(``collectivite.deadline.history``), written with the new values."""

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.collectivite_base.background_statements import BackgroundStatements
from odoo.addons.collectivite_base.models.resource_calendar_working_time import (
    US_PER_SECOND,
    to_us,
)
from odoo.addons.collectivite_base.sql_arrays import pg_plain_array

from . import sla_planner

DEADLINE_FIELDS = (
    "date_response_due",
    "date_resolution_due",
    "date_sla_deadline",
    "date_sla_at_risk",
    "sla_status",
)
# The due dates the history reports (the at-risk instant follows them
# silently).
LOGGED_FIELDS = ("date_response_due", "date_resolution_due")
# Tickets planned, then stored in the background while the next ones are.
DEADLINE_CHUNK = 10000


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "collectivite.deadline.consumer"]  # pylint: disable=consider-merging-classes-inherited
    # read and planned by chunks (``DEADLINE_CHUNK``): the memory of a batch
    # does not grow with it, each one costs a first read and a last write
    _deadline_batch_size = 100000

    @api.model
    def _deadline_candidate_domain(self, calendar_ids, date_from, date_to):
        domain = [
            ("sla_is_open", "=", True),
            ("sla_contract_id", "!=", False),
            ("date_sla_deadline", "!=", False),
        ]
        if calendar_ids is not None:
            # the contracts' ids, not a subquery: the planner then knows from
            # the tickets' statistics how many tickets each contract has
            contracts = (
                self.env["helpdesk.sla.contract"]
                .with_context(active_test=False)
                .search(
                    [
                        "|",
                        ("calendar_id", "in", calendar_ids),
                        ("oncall_calendar_id", "in", calendar_ids),
                    ]
                )
            )
            domain.append(("sla_contract_id", "in", contracts.ids))
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
        return self._deadline_recompute_next([("id", "in", self.ids)], 0, None)[2]

    @api.model
    def _deadline_recompute_next(self, domain, after, limit, count=False):
        """Due dates, at-risk instant and status of the next ``limit`` tickets
        of ``domain`` after the id ``after``, from their calendars as they are
        now, stored with the history of the moved due dates (see
        ``collectivite.deadline.consumer``).

        Tens of thousands of tickets a batch, by chunks of ``DEADLINE_CHUNK``:
        a chunk's columns are read by the search's own query, as integers
        (instants in microseconds since the epoch), planned and compared as
        columns (``sla_planner.plan_columns``: no record, no datetime nor
        dict per ticket, the planner answering per calendar), and stored in
        the background while the next chunk is read and planned (and the
        tickets of ``domain`` counted, when ``count``)."""
        Deadline = self.env["helpdesk.ticket.sla.deadline"]
        History = self.env["collectivite.deadline.history"]
        self.flush_model()
        Deadline.flush_model()
        History.flush_model()
        done = moved = 0
        last = after
        with BackgroundStatements(self.env.cr) as statements:
            pending = statements.fetch(self._deadline_rows_sql(domain, last, limit))
            # counted while the first chunk is planned
            total = (
                statements.fetch(self._search(domain).select(SQL("COUNT(*)"))) if count else None
            )
            while pending:
                rows = pending.result()
                done += len(rows)
                last = rows[-1][0] if rows else last
                # the contracts read now, while the connection is free
                terms = self._deadline_terms({row[2] for row in rows})
                pending = None
                if len(rows) == DEADLINE_CHUNK and (limit is None or done < limit):
                    # the next chunk is read while this one is planned
                    left = None if limit is None else limit - done
                    pending = statements.fetch(self._deadline_rows_sql(domain, last, left))
                if rows:
                    moved += self._deadline_recompute_chunk(rows, terms, statements)
        Deadline.invalidate_model(DEADLINE_FIELDS)
        self.invalidate_model(DEADLINE_FIELDS)
        History.invalidate_model()
        return done, last, moved, total and total.result()[0][0]

    @api.model
    def _deadline_rows_sql(self, domain, after, limit):
        """The query reading the columns of the next tickets of ``domain``
        after the id ``after`` (at most ``DEADLINE_CHUNK``, and ``limit``)
        that ``_deadline_recompute_chunk`` plans."""
        Deadline = self.env["helpdesk.ticket.sla.deadline"]
        query = self._search(
            [*domain, ("id", ">", after), ("sla_contract_id", "!=", False)],
            order="id",
            limit=DEADLINE_CHUNK if limit is None else min(limit, DEADLINE_CHUNK),
        )
        t = self._table
        d = query.left_join(t, "sla_deadline_id", Deadline._table, "id", "sla_deadline_id")
        return query.select(
            *(
                SQL.identifier(t, name)
                for name in (
                    "id",
                    "sla_deadline_id",
                    "sla_contract_id",
                    "is_oncall",
                    "priority",
                    "ticket_type",
                )
            ),
            _us(
                SQL(
                    "COALESCE(%s, %s)",
                    SQL.identifier(t, "date_sla_start"),
                    SQL.identifier(t, "create_date"),
                )
            ),
            SQL.identifier(t, "sla_paused_hours"),
            SQL("%s IS NOT NULL", SQL.identifier(t, "date_first_response")),
            SQL("%s IS NOT NULL", SQL.identifier(t, "date_sla_paused")),
            *(_us(SQL.identifier(d, name)) for name in DEADLINE_FIELDS[:4]),
            SQL.identifier(d, "sla_status"),
        )

    @api.model
    def _deadline_terms(self, contract_ids):
        """What the planner needs of the contracts ``contract_ids``."""
        contracts = self.env["helpdesk.sla.contract"].browse(contract_ids)
        return {
            # the calendars by id: an int is cheaper to hash per ticket than a record
            "calendar_of": {(contract.id, False): contract.calendar_id.id for contract in contracts}
            | {
                (contract.id, True): (contract.oncall_calendar_id or contract.calendar_id).id
                for contract in contracts
            },
            "calendars": {
                calendar.id: calendar
                for calendar in (contracts.calendar_id | contracts.oncall_calendar_id)
            },
            "share_of": {contract.id: contract.at_risk_share for contract in contracts},
            "targets": contracts._target_map(),
        }

    @api.model
    def _deadline_recompute_chunk(self, rows, terms, statements):
        """Plan the tickets of ``rows`` (read by ``_deadline_rows_sql``) with
        their contracts' ``terms`` (``_deadline_terms``) and queue the
        statement storing the moved ones in ``statements``; returns how many
        moved."""
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
        share_of = terms["share_of"]
        calendar_of = terms["calendar_of"]
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
                "calendars": terms["calendars"],
            },
            terms["targets"],
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
        if not changed:
            return 0
        statements.execute(
            self._deadline_store_sql(
                [ticket_ids[index] for index in changed],
                [row_ids[index] for index in changed],
                [[column[index] for index in changed] for column in new],
                [[column[index] for index in changed] for column in old[:2]],
            )
        )
        return sum(
            1
            for index in changed
            if new[0][index] != old[0][index] or new[1][index] != old[1][index]
        )

    @api.model
    def _deadline_store_sql(self, ticket_ids, row_ids, values, before):
        """The statement writing the recomputed values on the tickets' rows
        of due dates (``helpdesk.ticket.sla.deadline``, ids ``row_ids``: the
        ticket's own row is not rewritten) and the history of the moved due
        dates (``LOGGED_FIELDS``, their values ``before`` given): the values
        are sent once. ``values`` holds one column per name of
        ``DEADLINE_FIELDS``, the instants in microseconds since the epoch
        (whole seconds), ``None`` for none. No stored field computes from
        them, none is tracked (the caller flushes and invalidates)."""
        Deadline = self.env["helpdesk.ticket.sla.deadline"]
        History = self.env["collectivite.deadline.history"]
        # the moved tickets: their id, then each logged due date before and after
        moves = SQL(
            """SELECT v.ticket_id, v.old_response / %(us)s, v.response / %(us)s,
                      v.old_resolution / %(us)s, v.resolution / %(us)s
                 FROM v
                WHERE v.old_response IS DISTINCT FROM v.response
                   OR v.old_resolution IS DISTINCT FROM v.resolution""",
            us=US_PER_SECOND,
        )
        return SQL(
            """WITH v AS (
                        SELECT * FROM unnest(%(tickets)s::int[], %(rows)s::int[],
                                             %(response)s::int8[], %(resolution)s::int8[],
                                             %(deadline)s::int8[], %(at_risk)s::int8[],
                                             %(status)s::varchar[], %(old_response)s::int8[],
                                             %(old_resolution)s::int8[])
                               AS v(ticket_id, id, response, resolution, deadline, at_risk,
                                    status, old_response, old_resolution)
                   ), updated AS (
                        UPDATE %(table)s AS d
                           SET date_response_due = %(epoch)s + v.response * %(us)s,
                               date_resolution_due = %(epoch)s + v.resolution * %(us)s,
                               date_sla_deadline = %(epoch)s + v.deadline * %(us)s,
                               date_sla_at_risk = %(epoch)s + v.at_risk * %(us)s,
                               sla_status = v.status
                          FROM v
                         WHERE d.id = v.id
                           -- the rows of a batch of tickets are mostly a range of ids:
                           -- read that range of the table, not the whole table
                           AND d.id BETWEEN %(first)s AND %(last)s
                   )
                   %(history)s""",
            epoch=SQL("'epoch'::timestamp"),
            us=SQL("interval '1 microsecond'"),
            table=SQL.identifier(Deadline._table),
            first=min(row_ids),
            last=max(row_ids),
            tickets=pg_plain_array(ticket_ids),
            rows=pg_plain_array(row_ids),
            response=pg_plain_array(values[0]),
            resolution=pg_plain_array(values[1]),
            deadline=pg_plain_array(values[2]),
            at_risk=pg_plain_array(values[3]),
            status=pg_plain_array(values[4]),
            old_response=pg_plain_array(before[0]),
            old_resolution=pg_plain_array(before[1]),
            history=History._insert_sql(self._name, LOGGED_FIELDS, moves),
        )


def _us(column):
    """SQL: the naive UTC instant ``column`` as integer microseconds since the
    epoch (``NULL`` stays ``NULL``)."""
    return SQL("(extract(epoch FROM %s) * 1000000)::int8", column)
