from odoo import api, fields, models

# The job of the current transaction that recomputes deadlines: the changes
# of one save (a calendar with its opening periods) make one job.
DEADLINE_JOB_KEY = "collectivite_base.deadline_job"


class CollectiviteDeadlineSource(models.AbstractModel):
    """What deadlines are computed from (working schedules, their opening
    periods and closures): creating, changing or deleting one starts the
    background recompute of the open records it affects
    (``collectivite.deadline.consumer``), once per transaction.

    A model inheriting it lists the fields whose writes count
    (``_deadline_fields``) and says what a record covers:
    ``_deadline_changes()`` returns ``[calendar_ids, date_from, date_to]``
    lists (``calendar_ids`` ``None``: every calendar; dates naive UTC
    strings, ``None``: unbounded)."""

    _name = "collectivite.deadline.source"
    _description = "Source of deadlines"

    _deadline_fields = frozenset()

    def _deadline_changes(self):
        return []

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._deadline_schedule(records._deadline_changes())
        return records

    def write(self, vals):
        if self._deadline_fields.isdisjoint(vals):
            return super().write(vals)
        before = self._deadline_changes()
        result = super().write(vals)
        self._deadline_schedule(before + self._deadline_changes())
        return result

    def unlink(self):
        changes = self._deadline_changes()
        result = super().unlink()
        self._deadline_schedule(changes)
        return result

    @api.model
    def _deadline_schedule(self, changes):
        """Start (or extend, in the same transaction) the job recomputing the
        deadlines affected by ``changes``, when some open record is."""
        if not changes:
            return
        Consumer = self.env["collectivite.deadline.consumer"]
        # sudo: whether any record is affected, whoever changed the calendar
        names = [
            name
            for name in Consumer._deadline_consumer_models()
            if self.env[name]
            .sudo()
            .search(self.env[name]._deadline_changes_domain(changes), limit=1, order="id")
        ]
        if not names:
            return
        data = self.env.cr.precommit.data
        # sudo: the job of this transaction, created below by the server
        job = self.env["collectivite.job"].sudo().browse(data.get(DEADLINE_JOB_KEY))
        if job.exists() and job.state == "pending":
            payload = dict(job.payload)
            payload["changes"] = payload["changes"] + changes
            payload["models"] = sorted(set(payload["models"]) | set(names))
            job.payload = payload
            return
        job = self.env["collectivite.job"]._enqueue(
            "deadline_recompute",
            self.env._("Deadlines recomputed after a change of a working schedule"),
            {"changes": changes, "models": names},
            notice=self.env._(
                "The deadlines of the open records are being recomputed in the "
                "background; you will be notified when it is done."
            ),
        )
        data[DEADLINE_JOB_KEY] = job.id

    @api.model
    def _deadline_span(self, date_from, date_to):
        """The ``[date_from, date_to]`` part of a change, as strings."""
        return [
            fields.Datetime.to_string(date_from) if date_from else None,
            fields.Datetime.to_string(date_to) if date_to else None,
        ]
