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
from odoo.addons.collectivite_base.sql_copy import COPY_NULL, copy_binary

from . import sla_planner
from .helpdesk_ticket_sla_deadline import SLA_STATUSES

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
# The statuses, coded by their rank from 1 (0: none) in the rows sent.
STATUSES = tuple(status for status, _label in SLA_STATUSES)
STATUS_CODE = {status: code for code, status in enumerate(STATUSES, start=1)}
# The temporary table of a chunk's new values, until they are stored.
MOVES_TABLE = "helpdesk_ticket_deadline_moves"


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
            terms = None
            while pending:
                rows = pending.result()
                done += len(rows)
                last = rows[-1][0] if rows else last
                # the contracts read once a batch (again when a chunk brings
                # new ones), now, while the connection is free
                contract_ids = {row[2] for row in rows}
                if terms is None or not contract_ids <= terms["share_of"].keys():
                    terms = self._deadline_terms(
                        contract_ids | set(terms["share_of"] if terms else ())
                    )
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
            *(_seconds(SQL.identifier(d, name)) for name in DEADLINE_FIELDS[:4]),
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
        # stored to the second, compared and sent in seconds (as they are read)
        new = [
            [None if value is None else value // US_PER_SECOND for value in plan[name]]
            for name in ("response", "resolution", "deadline", "at_risk")
        ]
        now = to_us(fields.Datetime.now()) // US_PER_SECOND
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
        self._deadline_store(
            statements,
            [ticket_ids[index] for index in changed],
            [row_ids[index] for index in changed],
            [[column[index] for index in changed] for column in new],
            [[column[index] for index in changed] for column in old[:2]],
        )
        return sum(
            1
            for index in changed
            if new[0][index] != old[0][index] or new[1][index] != old[1][index]
        )

    @api.model
    def _deadline_store(self, statements, ticket_ids, row_ids, values, before):
        """Queue in ``statements`` the writing of the recomputed values on
        the tickets' rows of due dates (``helpdesk.ticket.sla.deadline``, ids
        ``row_ids``: the ticket's own row is not rewritten) and the history
        of the moved due dates (``LOGGED_FIELDS``, their values ``before``
        given). ``values`` holds one column per name of ``DEADLINE_FIELDS``,
        the instants in seconds since the epoch, ``None`` for none.

        The values are sent once, in ``COPY``'s binary format (``sql_copy``),
        to a temporary table of the transaction that the statement storing
        them reads. No stored field computes from them, none is tracked (the
        caller flushes and invalidates)."""
        Deadline = self.env["helpdesk.ticket.sla.deadline"]
        History = self.env["collectivite.deadline.history"]
        moves = SQL.identifier(MOVES_TABLE)
        statements.execute(
            SQL(
                """CREATE TEMPORARY TABLE IF NOT EXISTS %(moves)s (
                        ticket_id int4, id int4, response int8, resolution int8,
                        deadline int8, at_risk int8, status int4,
                        old_response int8, old_resolution int8
                   ) ON COMMIT DROP;
                   TRUNCATE %(moves)s""",
                moves=moves,
            )
        )
        statements.copy_from(
            SQL("COPY %s FROM STDIN WITH (FORMAT binary)", moves),
            copy_binary(
                [
                    (ticket_ids, "int4"),
                    (row_ids, "int4"),
                    *((column, "int8") for column in values[:4]),
                    ([STATUS_CODE.get(status, 0) for status in values[4]], "int4"),
                    *((column, "int8") for column in before),
                ]
            ),
        )
        # as text: the literal -9223372036854775808 would be out of range before its sign
        none = SQL("%s::int8", str(COPY_NULL))
        # the moved tickets: their id, then each logged due date before and after
        history = SQL(
            """SELECT v.ticket_id, v.old_response, v.response, v.old_resolution, v.resolution
                 FROM v
                WHERE v.old_response IS DISTINCT FROM v.response
                   OR v.old_resolution IS DISTINCT FROM v.resolution"""
        )
        statements.execute(
            SQL(
                """WITH v AS NOT MATERIALIZED (
                        SELECT m.ticket_id, m.id, NULLIF(m.response, %(none)s) AS response,
                               NULLIF(m.resolution, %(none)s) AS resolution,
                               NULLIF(m.deadline, %(none)s) AS deadline,
                               NULLIF(m.at_risk, %(none)s) AS at_risk,
                               (%(statuses)s::varchar[])[m.status] AS status,
                               NULLIF(m.old_response, %(none)s) AS old_response,
                               NULLIF(m.old_resolution, %(none)s) AS old_resolution
                          FROM %(moves)s AS m
                   ), updated AS (
                        UPDATE %(table)s AS d
                           SET date_response_due = %(epoch)s + v.response * %(second)s,
                               date_resolution_due = %(epoch)s + v.resolution * %(second)s,
                               date_sla_deadline = %(epoch)s + v.deadline * %(second)s,
                               date_sla_at_risk = %(epoch)s + v.at_risk * %(second)s,
                               sla_status = v.status
                          FROM v
                         WHERE d.id = v.id
                           -- the rows of a batch of tickets are mostly a range of ids:
                           -- read that range of the table, not the whole table
                           AND d.id BETWEEN %(first)s AND %(last)s
                   )
                   %(history)s""",
                none=none,
                statuses=pg_plain_array(STATUSES),
                moves=moves,
                epoch=SQL("'epoch'::timestamp"),
                second=SQL("interval '1 second'"),
                table=SQL.identifier(Deadline._table),
                first=min(row_ids),
                last=max(row_ids),
                history=History._insert_sql(self._name, LOGGED_FIELDS, history),
            )
        )


def _seconds(column):
    """SQL: the naive UTC instant ``column`` as whole seconds since the epoch
    (``NULL`` stays ``NULL``)."""
    return SQL("floor(date_part('epoch', %s))::int8", column)


def _us(column):
    """SQL: the naive UTC instant ``column`` as integer microseconds since the
    epoch (``NULL`` stays ``NULL``). Through ``date_part``'s double precision,
    exact to the microsecond until the year 2255, rather than ``extract``'s
    numeric, twice as long to compute."""
    return SQL("round(date_part('epoch', %s) * 1000000)::int8", column)
