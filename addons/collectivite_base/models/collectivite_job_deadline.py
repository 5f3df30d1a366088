from odoo import models

from ..gc_pause import gc_paused


class CollectiviteJob(models.Model):
    """The recompute of deadlines after a change of a working schedule: the
    consumers' candidates, by batches of ids, with the history of each moved
    deadline (one transaction a batch: a batch interrupted leaves nothing,
    the next run does it again). Payload: ``changes`` (``[calendar_ids, date_from,
    date_to]``), ``models`` (the consumers), the cursor ``model`` / ``after``
    and the count of records ``moved``."""

    # One concern per file: the job machinery is in collectivite_job.py.
    _inherit = "collectivite.job"  # pylint: disable=consider-merging-classes-inherited

    def _job_step_deadline_recompute(self, limit=None):
        self.ensure_one()
        payload = dict(self.payload)
        changes = payload["changes"]
        names = [name for name in payload["models"] if name in self.env]
        values = {}
        # counted with the first batch: its consumer may count while it works
        counting = not payload.get("counted")
        done = 0
        index = payload.get("model", 0)
        while index < len(names):
            Model = self.env[names[index]]
            batch = limit or Model._deadline_batch_size
            domain = Model._deadline_changes_domain(changes)
            with gc_paused():
                done, last, moved, count = Model._deadline_recompute_next(
                    domain, payload.get("after", 0), batch, count=counting
                )
            if counting:
                values["total_count"] = count + sum(
                    self.env[name].search_count(self.env[name]._deadline_changes_domain(changes))
                    for name in names
                    if name != Model._name
                )
                payload["counted"] = True
                counting = False
            payload["moved"] = payload.get("moved", 0) + moved
            payload["after"] = last
            if done < batch:
                index += 1
                payload["after"] = 0
            if done:
                break
        payload["model"] = index
        values["done_count"] = self.done_count + done
        total = values.get("total_count", self.total_count)
        finished = index >= len(names)
        if finished:
            values["total_count"] = values["done_count"]
            values["result"] = self.with_context(lang=self.user_id.lang).env._(
                "%(moved)s deadline(s) moved out of %(checked)s open record(s) checked.",
                moved=payload.get("moved", 0),
                checked=values["done_count"],
            )
        values["payload"] = payload
        self.write(values)
        return 0 if finished else max(total - values["done_count"], 1)
