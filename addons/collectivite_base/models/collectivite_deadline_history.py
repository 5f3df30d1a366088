from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, format_datetime

from ..sql_arrays import pg_array


class CollectiviteDeadlineHistory(models.Model):
    """One narrow row per deadline moved by a recompute after a change of a
    working schedule (``collectivite.deadline.consumer``): the record, the
    date field, its value before and after. Hundreds of thousands of rows
    are written by one ``INSERT`` per batch: no access columns, no foreign
    key, one index (the record). The history is read on the record's form
    (``deadline_history_html``), never directly: the server's own rows."""

    _name = "collectivite.deadline.history"
    _description = "Deadline moved by a change of a working schedule"
    _log_access = False
    _order = "date desc, id desc"

    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", required=True, readonly=True, index=True
    )
    field_name = fields.Char(string="Field", required=True, readonly=True)
    date = fields.Datetime(string="Recomputed on", required=True, readonly=True)
    date_old = fields.Datetime(string="Before", readonly=True)
    date_new = fields.Datetime(string="After", readonly=True)

    @api.model
    def _insert(self, model, rows):
        """Record ``rows`` (``(res_id, field_name, old, new)`` tuples) of
        ``model`` in one ``INSERT``; returns the number of rows."""
        if not rows:
            return 0
        res_ids, names, olds, news = (pg_array(column) for column in zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """INSERT INTO %(table)s (res_model, res_id, field_name, date, date_old, date_new)
                   SELECT %(model)s, v.res_id, v.field_name, now() AT TIME ZONE 'UTC',
                          v.date_old, v.date_new
                     FROM unnest(%(res_ids)s::int[], %(names)s::varchar[],
                                 %(olds)s::timestamp[], %(news)s::timestamp[])
                          AS v(res_id, field_name, date_old, date_new)""",
                table=SQL.identifier(self._table),
                model=model,
                res_ids=res_ids,
                names=names,
                olds=olds,
                news=news,
            )
        )
        self.invalidate_model()
        return len(rows)

    @api.model
    def _delete_of(self, model, ids):
        """Forget the history of the records ``ids`` of ``model`` (deleted)."""
        if ids:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM %s WHERE res_model = %s AND res_id = ANY(%s)",
                    SQL.identifier(self._table),
                    model,
                    list(ids),
                )
            )
            self.invalidate_model()

    @api.model
    def _render_of(self, records):
        """The history of each of ``records`` as an HTML table, in the
        current user's language and timezone: ``{record_id: Markup}``."""
        if not records:
            return {}
        # sudo: the callers read ``records`` themselves (their form's field)
        rows = (
            self.sudo()
            .search([("res_model", "=", records._name), ("res_id", "in", records.ids)])
            .read(["res_id", "field_name", "date", "date_old", "date_new"])
        )
        by_record = {}
        for row in rows:
            by_record.setdefault(row["res_id"], []).append(row)
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
        for record_id, lines in by_record.items():
            body = Markup()
            for row in lines:
                name = row["field_name"]
                if name not in labels:
                    field = fields_of.get(name)
                    labels[name] = field._description_string(env) if field else name
                body += Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>") % (
                    _when(env, row["date"]),
                    labels[name],
                    _when(env, row["date_old"]),
                    _when(env, row["date_new"]),
                )
            result[record_id] = caption + head + body + Markup("</tbody></table>")
        return result


def _when(env, value):
    return escape(format_datetime(env, value, dt_format="short")) if value else "—"
