import json
import logging
from collections import namedtuple

import psycopg2
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, format_datetime
from odoo.tools.sql import create_index

from ..sql_arrays import pg_plain_array
from .resource_calendar_working_time import US_PER_SECOND, from_us, to_us

_logger = logging.getLogger(__name__)

# Records whose moves one row holds, by id: ``block`` is ``res_id // BLOCK``.
# A recompute of 200,000 records writes about 800 rows; a record's history is
# read from the rows of its block (one per recompute that moved one of them).
BLOCK = 256

# One moved deadline, as ``_moves_of`` returns it (dates naive UTC).
Move = namedtuple("Move", "res_id field_name date date_old date_new")


class CollectiviteDeadlineHistory(models.Model):
    """The deadlines moved by a recompute after a change of a working
    schedule (``collectivite.deadline.consumer``): for each moved deadline,
    the record, the date field, its value before and after, and when.

    A recompute moves the deadlines of hundreds of thousands of records at
    once. Written as one row per moved date (and its index entries), the
    history alone took more than half of the 5 s the whole recompute of
    200,000 tickets is given. So a row holds the moves of one recompute for a block
    of ``BLOCK`` consecutive record ids (``moves``: the records' ``ids`` and,
    per date field of ``fields``, the lists of their values before and after,
    aligned on them: instants in seconds since the epoch, ``None`` for none,
    equal values where that field did not move); ``_moves_of`` reads them
    back per record. No access columns, one index (model and block).

    The history is read on the record's form (``deadline_history_html``),
    never directly: the server's own rows."""

    _name = "collectivite.deadline.history"
    _description = "Deadlines moved by a change of a working schedule"
    _log_access = False
    _order = "date desc, id desc"

    res_model = fields.Char(string="Model", required=True, readonly=True)
    block = fields.Integer(
        string="Block of records", required=True, readonly=True, help="Record id // 256."
    )
    date = fields.Datetime(string="Recomputed on", required=True, readonly=True)
    moves = fields.Json(string="Moved deadlines", readonly=True)

    def init(self):
        super().init()
        cr = self.env.cr
        create_index(
            cr, "collectivite_deadline_history_block_idx", self._table, ["res_model", "block"]
        )
        # Compressed with lz4 rather than pglz: a recompute's rows are written
        # twice as fast (PostgreSQL built without lz4 keeps pglz).
        cr.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = 'moves'",
            [self._table],
        )
        if cr.fetchone()[0] != "l":
            try:
                with cr.savepoint():
                    cr.execute(
                        SQL(
                            "ALTER TABLE %s ALTER COLUMN moves SET COMPRESSION lz4",
                            SQL.identifier(self._table),
                        )
                    )
            except psycopg2.errors.FeatureNotSupported:
                _logger.info(
                    "PostgreSQL without lz4: the deadline history stays compressed with pglz"
                )

    @api.model
    def _insert(self, model, moves, date=None):
        """Record the moves of ``model``'s records: ``moves`` maps a record's
        id to ``{field_name: (before, after)}`` (naive UTC datetimes or
        ``False``), its moved date fields only; ``date`` (naive UTC)
        defaults to now. One ``INSERT`` for all."""
        if not moves:
            return
        names = sorted({name for fields_ in moves.values() for name in fields_})
        columns = []
        for name in names:
            pairs = [fields_.get(name, (None, None)) for fields_ in moves.values()]
            columns += [[to_seconds(old) for old, _new in pairs]]
            columns += [[to_seconds(new) for _old, new in pairs]]
        self.env.cr.execute(
            self._insert_sql(
                model,
                names,
                SQL(
                    "SELECT * FROM unnest(%s::int[], %s)",
                    pg_plain_array(list(moves)),
                    SQL(", ").join(SQL("%s::int8[]", pg_plain_array(column)) for column in columns),
                ),
                date=date,
            )
        )
        self.invalidate_model()

    @api.model
    def _insert_sql(self, model, names, rows, date=None):
        """The ``INSERT`` recording the moves of ``model``'s records given by
        the query ``rows``: one row a record, its id then, for each date field
        of ``names``, its value before and after (seconds since the epoch),
        grouped by block. For a consumer computing its moves in SQL, as the
        last part of the statement storing the new dates (``WITH ... INSERT``).
        The caller invalidates the model's cache."""
        self.flush_model()
        columns = [
            (name, SQL.identifier(f"old_{index}"), SQL.identifier(f"new_{index}"))
            for index, name in enumerate(names)
        ]
        return SQL(
            """INSERT INTO %(table)s (res_model, block, date, moves)
               SELECT %(model)s, m.res_id / %(block)s, %(date)s,
                      -- the aggregates take the rows in the same order: aligned lists
                      jsonb_build_object('ids', array_agg(m.res_id),
                                         'fields', jsonb_build_object(%(fields)s))
                 FROM (%(rows)s) AS m(res_id, %(aliases)s)
                GROUP BY m.res_id / %(block)s""",
            table=SQL.identifier(self._table),
            model=model,
            block=BLOCK,
            date=date or SQL("now() AT TIME ZONE 'UTC'"),
            fields=SQL(", ").join(
                SQL(
                    "%s, jsonb_build_array(array_agg(m.%s), array_agg(m.%s))",
                    name,
                    old,
                    new,
                )
                for name, old, new in columns
            ),
            rows=rows,
            aliases=SQL(", ").join(alias for _name, *pair in columns for alias in pair),
        )

    @api.model
    def _rows_of(self, model, ids):
        """``(id, date, moves)`` of the rows holding moves of the records
        ``ids`` of ``model``, the latest first."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT id, date, moves FROM %s
                    WHERE res_model = %s AND block = ANY(%s)
                    ORDER BY date DESC, id DESC""",
                SQL.identifier(self._table),
                model,
                sorted({res_id // BLOCK for res_id in ids}),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _moves_of(self, records):
        """The moved deadlines of ``records``: a list of ``Move``, the latest
        recompute first."""
        if not records:
            return []
        wanted = set(records.ids)
        result = []
        for _row_id, date, moves in self._rows_of(records._name, wanted):
            indexes = [index for index, res_id in enumerate(moves["ids"]) if res_id in wanted]
            for index in indexes:
                for name, (olds, news) in moves["fields"].items():
                    if olds[index] != news[index]:
                        result.append(
                            Move(
                                moves["ids"][index],
                                name,
                                date,
                                _instant(olds[index]),
                                _instant(news[index]),
                            )
                        )
        return result

    @api.model
    def _delete_of(self, model, ids):
        """Forget the history of the records ``ids`` of ``model`` (deleted)."""
        if not ids:
            return
        gone = set(ids)
        kept = []
        emptied = []
        for row_id, _date, moves in self._rows_of(model, gone):
            keep = [index for index, res_id in enumerate(moves["ids"]) if res_id not in gone]
            if not keep:
                emptied.append(row_id)
            elif len(keep) < len(moves["ids"]):
                moves = {
                    "ids": _pick(moves["ids"], keep),
                    "fields": {
                        name: [_pick(olds, keep), _pick(news, keep)]
                        for name, (olds, news) in moves["fields"].items()
                    },
                }
                kept.append({"id": row_id, "moves": moves})
        table = SQL.identifier(self._table)
        if emptied:
            self.env.cr.execute(SQL("DELETE FROM %s WHERE id = ANY(%s)", table, emptied))
        if kept:
            self.env.cr.execute(
                SQL(
                    """UPDATE %s AS h SET moves = b.moves
                         FROM jsonb_to_recordset(%s::jsonb) AS b(id int, moves jsonb)
                        WHERE h.id = b.id""",
                    table,
                    json.dumps(kept),
                )
            )
        self.invalidate_model()

    @api.model
    def _render_of(self, records):
        """The history of each of ``records`` as an HTML table, in the
        current user's language and timezone: ``{record_id: Markup}``."""
        if not records:
            return {}
        by_record = {}
        # sudo: the callers read ``records`` themselves (their form's field)
        for move in self.sudo()._moves_of(records):
            by_record.setdefault(move.res_id, []).append(move)
        env = self.env
        fields_of = records._fields
        head = Markup(
            "<table class='table table-sm o_deadline_history'><thead><tr>"
            "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>"
        ) % (
            env._("Recomputed on"),
            env._("Deadline"),
            env._("Before"),
            env._("After"),
        )
        caption = Markup("<p class='text-muted'>%s</p>") % env._(
            "Deadlines recomputed after a change of the opening hours or closures of the "
            "working schedule."
        )
        labels = {}
        result = {}
        for record_id, moves in by_record.items():
            body = Markup()
            for move in moves:
                name = move.field_name
                if name not in labels:
                    field = fields_of.get(name)
                    labels[name] = field._description_string(env) if field else name
                body += Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>") % (
                    _when(env, move.date),
                    labels[name],
                    _when(env, move.date_old),
                    _when(env, move.date_new),
                )
            result[record_id] = caption + head + body + Markup("</tbody></table>")
        return result


def to_seconds(value):
    """A naive UTC datetime as seconds since the epoch (``None`` for none)."""
    return None if not value else to_us(value) // US_PER_SECOND


def _pick(values, indexes):
    return [values[index] for index in indexes]


def _instant(seconds):
    return None if seconds is None else from_us(seconds * US_PER_SECOND)


def _when(env, value):
    return escape(format_datetime(env, value, dt_format="short")) if value else "—"
