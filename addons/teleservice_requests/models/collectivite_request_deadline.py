"""The quality-of-service dates of the open requests follow the collectivité's
calendar: a closure added or removed, opening hours changed
(``collectivite.deadline.consumer`` of collectivite_base) recompute the
deadline and alert date of the open requests whose window overlaps it, one
history row per request whose deadline moved."""

from odoo import api, fields, models
from odoo.tools import SQL

from .collectivite_request import OPEN_STATES

QOS_FIELDS = ("date_qos_deadline", "date_qos_alert")


class CollectiviteRequest(models.Model):
    _name = "collectivite.request"
    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = ["collectivite.request", "collectivite.deadline.consumer"]  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _deadline_candidate_domain(self, calendar_ids, date_from, date_to):
        domain = [
            ("state", "in", OPEN_STATES),
            ("date_submitted", "!=", False),
            ("date_qos_deadline", "!=", False),
        ]
        if calendar_ids is not None:
            # the calendar of a request is its company's (see ``_calendar``)
            # sudo: which companies use the calendar, whoever changed it
            companies = (
                self.env["res.company"]
                .sudo()
                .search(
                    [
                        "|",
                        ("collectivite_calendar_id", "in", calendar_ids),
                        "&",
                        ("collectivite_calendar_id", "=", False),
                        ("resource_calendar_id", "in", calendar_ids),
                    ]
                )
            )
            domain.append(("company_id", "in", companies.ids))
        if date_from:
            domain.append(("date_qos_deadline", ">=", date_from))
        if date_to:
            domain.append(("date_submitted", "<=", date_to))
        return domain

    def _deadline_recompute(self):
        """Deadline and alert date of ``self`` from the calendar as it is now
        (the stored computation, run again); a request flagged late or urgent
        whose date moved back into the future loses the flag; the moves of
        the deadlines are logged. Returns the number of requests whose
        deadline moved (see ``collectivite.deadline.consumer``)."""
        if not self:
            return 0
        self.fetch([*QOS_FIELDS, "company_id", "is_late", "is_urgent", "date_legal_alert"])
        old = {request.id: (request.date_qos_deadline, request.date_qos_alert) for request in self}
        for name in QOS_FIELDS:
            self.env.add_to_compute(self._fields[name], self)
        self.flush_recordset(list(QOS_FIELDS))
        now = fields.Datetime.now()
        changes = []
        unflag_late = []
        unflag_urgent = []
        for request in self:
            deadline, alert = old[request.id]
            if request.date_qos_deadline != deadline:
                changes.append(
                    (
                        request.id,
                        request.company_id,
                        request._calendar().tz,
                        [("date_qos_deadline", deadline, request.date_qos_deadline)],
                    )
                )
            if request.is_late and request.date_qos_deadline > now:
                unflag_late.append(request.id)
            if (
                request.is_urgent
                and request.date_qos_alert > now
                and not (request.date_legal_alert and request.date_legal_alert <= now)
            ):
                unflag_urgent.append(request.id)
        # The flags are the QoS cron's plain columns (see ``_cron_update_qos``).
        table = SQL.identifier(self._table)
        if unflag_late:
            self.env.cr.execute(
                SQL("UPDATE %s SET is_late = FALSE WHERE id = ANY(%s)", table, unflag_late)
            )
        if unflag_urgent:
            self.env.cr.execute(
                SQL("UPDATE %s SET is_urgent = FALSE WHERE id = ANY(%s)", table, unflag_urgent)
            )
        if unflag_late or unflag_urgent:
            self.invalidate_model(["is_late", "is_urgent"])
        return self._deadline_log(changes)
