from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Datetime
from odoo.osv import expression

# A closure this close to a record's window is looked at too: a deadline in
# working days reads whole local days around its start and its end.
WINDOW_MARGIN = timedelta(days=1)


class CollectiviteDeadlineConsumer(models.AbstractModel):
    """Records whose deadlines are computed on a working schedule (tickets,
    requests): when the schedule's opening hours or closures change, the
    open ones it affects are recomputed in the background
    (``collectivite.job`` of kind ``deadline_recompute``, started by
    ``collectivite.deadline.source``), with one history row per moved
    deadline (``collectivite.deadline.history``), shown on the record's form
    (``deadline_history_html``).

    A consumer model inherits it (``_inherit = [..., "collectivite.deadline.consumer"]``)
    and implements:

    - ``_deadline_candidate_domain(calendar_ids, date_from, date_to)``: the
      open records whose deadlines run on one of ``calendar_ids`` (``None``:
      any calendar) and whose window (start to deadline) overlaps
      ``[date_from, date_to]`` (naive UTC, ``None``: unbounded);
    - ``_deadline_recompute()``: recompute the deadlines of ``self``, store
      them with their history and return the number of records whose
      deadlines moved; ``_deadline_log(changes)`` writes the history of
      changes computed in Python, one
      ``(record_id, company, tz, [(field_name, old, new), ...])`` per record
      whose deadline moved.
    """

    _name = "collectivite.deadline.consumer"
    _description = "Records with deadlines on a working schedule"
    # Records recomputed per batch, one transaction of the scheduled action
    # (a batch killed mid-way is done again).
    _deadline_batch_size = 50000

    deadline_history_html = fields.Html(
        string="Deadlines recomputed",
        compute="_compute_deadline_history_html",
        sanitize=False,
    )

    @api.model
    def _deadline_candidate_domain(self, calendar_ids, date_from, date_to):
        raise NotImplementedError

    def _deadline_recompute(self):
        raise NotImplementedError

    @api.model
    def _deadline_recompute_next(self, domain, after, limit, count=False):
        """Recompute the next ``limit`` records of ``domain`` (by id) after the
        id ``after``: returns how many, the last one's id, how many moved and,
        when ``count``, how many records ``domain`` has in all (else ``None``).
        A consumer may read and recompute them in one query instead."""
        total = self.search_count(domain) if count else None
        records = self.search([*domain, ("id", ">", after)], order="id", limit=limit)
        if not records:
            return 0, after, 0, total
        return len(records), records[-1].id, records._deadline_recompute(), total

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
    def _compute_deadline_history_html(self):
        stored = self.filtered("id")
        # the history is read through records the user reads
        stored.check_access("read")
        rendered = self.env["collectivite.deadline.history"]._render_of(stored)
        for record in self:
            record.deadline_history_html = rendered.get(record.id, False)

    def unlink(self):
        ids = self.ids
        result = super().unlink()
        self.env["collectivite.deadline.history"]._delete_of(self._name, ids)
        return result

    @api.model
    def _deadline_log(self, changes):
        """The history of the moved deadlines of ``changes``
        (``collectivite.deadline.history``), all in one ``INSERT``, shown on
        the record's form (for ``_deadline_recompute``). Returns the number
        of records whose deadlines moved."""
        self.env["collectivite.deadline.history"]._insert(
            self._name,
            {
                record_id: {name: (old, new) for name, old, new in moves}
                for record_id, _company, _tz, moves in changes
            },
        )
        return len(changes)
