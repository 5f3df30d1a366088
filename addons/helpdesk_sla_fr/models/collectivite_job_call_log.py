from odoo import api, fields, models

# Calls created per batch (one transaction of the scheduled action), and lines
# of a part of the log (an attachment of the job).
CALL_LOG_BATCH = 2000


class CollectiviteJob(models.Model):
    """A large call log imported in the background (collectivite_base's
    jobs): the lines, checked before the job starts, are kept as parts
    (attachments of the job, ``_parts_create``) and created by batches as the
    agent who imported them; each batch reads only its own lines and drops
    them with its transaction, the payload keeping the cursor only (a batch
    killed leaves nothing; the next run resumes where the last one ended)."""

    # One concern per file: the job machinery is in collectivite_base.
    _inherit = "collectivite.job"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[("call_log_import", "Call log import")],
        ondelete={"call_log_import": "cascade"},
    )

    @api.model
    def _call_log_enqueue(self, name, contract, rows):
        """The job creating the calls ``rows`` (``[date_call, is_answered,
        wait_seconds, agent]``, checked) of ``contract``, as the current user."""
        job = self._enqueue(
            "call_log_import",
            name,
            {"contract_id": contract.id, "after": 0},
            company=contract.company_id,
        )
        job_sudo = job.sudo()  # sudo: the job's parameters and parts are the server's own
        job_sudo._call_log_store(dict(job_sudo.payload), rows, len(rows))
        return job

    def _call_log_store(self, payload, rows, total):
        """Keep the lines ``rows`` still to create as parts of the job, the
        payload (``payload``, without lines) keeping the cursor."""
        payload["parts"] = self._parts_create(
            [rows[start : start + CALL_LOG_BATCH] for start in range(0, len(rows), CALL_LOG_BATCH)]
        )
        self.write({"payload": payload, "total_count": total})

    def _call_log_move_rows(self, payload):
        """A job queued by an earlier version, its lines in its payload: the
        lines left become parts."""
        rows = payload.pop("rows", [])
        payload["after"] = payload.get("after", 0)
        self._call_log_store(payload, rows[payload["after"] :], len(rows))

    def _job_step_call_log_import(self, limit=CALL_LOG_BATCH):
        self.ensure_one()
        payload = dict(self.payload)
        if "parts" not in payload:
            self._call_log_move_rows(payload)
        parts, rows = self._parts_read(payload["parts"], limit, CALL_LOG_BATCH)
        if not parts:
            self._fail(
                self.with_context(lang=self.user_id.lang).env._(
                    "The lines to import are no longer available: import the log again."
                )
            )
            return 0
        batch = rows[:limit]
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
        payload["parts"] = self._parts_drop(payload["parts"], parts, rows, len(batch))
        payload["after"] = payload["after"] + len(batch)
        values = {"payload": payload, "done_count": payload["after"]}
        remaining = self.total_count - payload["after"] if payload["parts"] else 0
        if not remaining:
            values["result"] = Calls.env._("%(count)s calls imported.", count=payload["after"])
            values["payload"] = {"contract_id": contract_id, "after": payload["after"]}
        self.write(values)
        return remaining
