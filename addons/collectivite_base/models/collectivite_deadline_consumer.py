from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import escape

from odoo import api, models
from odoo.fields import Datetime
from odoo.osv import expression
from odoo.tools import SQL

UTC = ZoneInfo("UTC")
# A closure this close to a record's window is looked at too: a deadline in
# working days reads whole local days around its start and its end.
WINDOW_MARGIN = timedelta(days=1)


class CollectiviteDeadlineConsumer(models.AbstractModel):
    """Records whose deadlines are computed on a working schedule (tickets,
    requests): when the schedule's opening hours or closures change, the
    open ones it affects are recomputed in the background, with a history
    note on each record whose deadline moved (``collectivite.job`` of kind
    ``deadline_recompute``, started by ``collectivite.deadline.source``).

    A consumer model inherits it (``_inherit = [..., "collectivite.deadline.consumer"]``,
    with ``mail.thread`` and ``collectivite.system.log``) and implements:

    - ``_deadline_candidate_domain(calendar_ids, date_from, date_to)``: the
      open records whose deadlines run on one of ``calendar_ids`` (``None``:
      any calendar) and whose window (start to deadline) overlaps
      ``[date_from, date_to]`` (naive UTC, ``None``: unbounded);
    - ``_deadline_recompute()``: recompute the deadlines of ``self``, store
      them and return the changes to log, one
      ``(record_id, company, tz, [(field_name, old, new), ...])`` per record
      whose deadline moved (records unchanged: nothing).
    """

    _name = "collectivite.deadline.consumer"
    _description = "Records with deadlines on a working schedule"

    @api.model
    def _deadline_candidate_domain(self, calendar_ids, date_from, date_to):
        raise NotImplementedError

    def _deadline_recompute(self):
        raise NotImplementedError

    @api.model
    def _deadline_consumer_models(self):
        """Names of the models consuming deadlines, in a stable order."""
        names = self.env.registry.descendants([self._name], "_inherit")
        return sorted(name for name in names if not self.env[name]._abstract)

    @api.model
    def _deadline_changes_domain(self, changes):
        """Records affected by any of ``changes`` (``[calendar_ids, date_from,
        date_to]`` lists, dates as strings or ``None``)."""
        domains = []
        for calendar_ids, date_from, date_to in changes:
            start = Datetime.to_datetime(date_from)
            stop = Datetime.to_datetime(date_to)
            domains.append(
                self._deadline_candidate_domain(
                    calendar_ids,
                    start - WINDOW_MARGIN if start else None,
                    stop + WINDOW_MARGIN if stop else None,
                )
            )
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    # ------------------------------------------------------------------
    # History of the changes
    # ------------------------------------------------------------------
    @api.model
    def _deadline_log(self, changes):
        """One internal note per changed record, authored by the system in
        its company's language, all in one ``INSERT`` (see ``_deadline_recompute``)."""
        if not changes:
            return 0
        ids = []
        bodies = []
        by_lang = {}
        lang_of = {}
        for record_id, company, tz, moves in changes:
            if company not in lang_of:
                lang_of[company] = self._system_lang(company)
            lang = lang_of[company]
            if lang not in by_lang:
                by_lang[lang] = self._deadline_log_terms(lang)
            intro, line, fmt, labels, cache = by_lang[lang]
            # every part is escaped HTML: the texts once per language, the
            # dates are digits and separators
            lines = "<br/>".join(
                line
                % {
                    "label": labels[name],
                    "old": _format(old, tz, fmt, cache),
                    "new": _format(new, tz, fmt, cache),
                }
                for name, old, new in moves
            )
            ids.append(record_id)
            bodies.append(f"<p>{intro}<br/>{lines}</p>")
        return self._system_log_sql(
            SQL(
                "SELECT unnest(%s::int[]) AS id, unnest(%s::text[]) AS body",
                ids,
                bodies,
            ),
            None,
            company_field="company_id" if "company_id" in self._fields else None,
        )

    @api.model
    def _deadline_log_terms(self, lang):
        """What the notes of ``lang`` are made of, as escaped HTML: the
        introduction, the line (``%(label)s``, ``%(old)s``, ``%(new)s``), the
        date format, the labels of the date fields and a cache of dates."""
        env = self.with_context(lang=lang).env
        lang_data = env["res.lang"]._get_data(code=lang)
        time_format = (lang_data.time_format or "%H:%M").replace(":%S", "")
        intro = env._(
            "Deadline recomputed after a change of the opening hours or closures of the "
            "working schedule:"
        )
        # translated once, filled per line
        line = env._("%(label)s: %(old)s → %(new)s")
        labels = {
            name: str(escape(field._description_string(env)))
            for name, field in self._fields.items()
            if field.type in ("datetime", "date")
        }
        return (
            str(escape(intro)),
            str(escape(line)),
            f"{lang_data.date_format} {time_format}",
            labels,
            {},
        )


def _format(value, tz, fmt, cache):
    """A naive UTC datetime as local wall time of ``tz`` (``—`` when empty),
    escaped HTML."""
    if not value:
        return "—"
    key = (value, tz)
    if key not in cache:
        local = value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz or "UTC"))
        cache[key] = str(escape(datetime.strftime(local, fmt)))
    return cache[key]
