from odoo import fields, models

# Calls created per batch (one transaction of the scheduled action).
CALL_LOG_BATCH = 2000


class CollectiviteJob(models.Model):
    """A large call log imported in the background (collectivite_base's
    jobs): the lines, checked before the job starts, are created by batches
    as the agent who imported them, the cursor saved with each batch (a batch
    killed leaves nothing; the next run resumes where the last one ended)."""

    _inherit = "collectivite.job"

    kind = fields.Selection(
        selection_add=[("call_log_import", "Call log import")],
        ondelete={"call_log_import": "cascade"},
    )

    def _job_step_call_log_import(self, limit=CALL_LOG_BATCH):
        self.ensure_one()
        payload = dict(self.payload)
        rows = payload["rows"]
        after = payload.get("after", 0)
        batch = rows[after : after + limit]
        contract_id = payload["contract_id"]
        # as the agent who imported the file: their rights apply
        Calls = (
            self.env["helpdesk.call.log"]
            .with_user(self.user_id)
            .with_context(lang=self.user_id.lang)
        )
        Calls.create(
            [
                {
                    "contract_id": contract_id,
                    "date_call": date_call,
                    "is_answered": is_answered,
                    "wait_seconds": wait_seconds,
                    "agent": agent,
                }
                for date_call, is_answered, wait_seconds, agent in batch
            ]
        )
        payload["after"] = after + len(batch)
        values = {"payload": payload, "done_count": payload["after"], "total_count": len(rows)}
        remaining = len(rows) - payload["after"]
        if not remaining:
            values["result"] = Calls.env._("%(count)s calls imported.", count=len(rows))
        self.write(values)
        return remaining
