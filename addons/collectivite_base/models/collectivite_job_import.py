from odoo import api, fields, models

from ..markers import server_marks
from .base_import_import import IMPORT_JOB_MARK
from .collectivite_job import UNFINISHED

# Rows imported per batch (one transaction of the scheduled action). Each batch
# reads the file again (Odoo's ``execute_import`` takes the whole file and the
# row to start from), so batches are not made smaller than needed.
IMPORT_BATCH = 1000
# Lines of messages (rows in error, warnings) kept in the job's result.
IMPORT_MESSAGE_LINES = 50


class CollectiviteJob(models.Model):
    """A large import started from Odoo's import dialog, as a background job:
    Odoo's own ``execute_import`` (hence ``load``), by batches of rows, as the
    user who started it. A batch and the job's cursor (``payload["cursor"]``,
    the first row not imported) are committed together: a batch interrupted
    leaves nothing behind and the next run starts it again; a batch with a row
    in error imports nothing (as Odoo's ``load``) and stops the job, the rows
    imported before kept and the rows in error in the job's result. The file
    is kept as an attachment of the job until it ends."""

    # One concern per file: the job machinery is in collectivite_job.py.
    _inherit = "collectivite.job"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(selection_add=[("import", "Import")], ondelete={"import": "cascade"})

    @api.model
    def _import_enqueue(self, wizard, fields_, columns, options, rows):
        """The job importing the ``rows`` of the import dialog ``wizard`` (one
        job for a dialog, however many times its button is pressed while the
        job has not ended)."""
        Jobs = self.sudo()  # sudo: the current user's unfinished imports, to start no second one
        for job in Jobs.search(
            [("kind", "=", "import"), ("user_id", "=", self.env.uid), ("state", "in", UNFINISHED)]
        ):
            if job.payload.get("import_id") == wizard.id:
                return job.with_env(self.env)
        options = {key: value for key, value in options.items() if key != "limit"}
        skip = options.get("skip") or 0
        job = self._enqueue(
            "import",
            self.env._(
                "Import of %(count)s rows into %(model)s (%(file)s)",
                count=rows,
                model=self.env["ir.model"]._get(wizard.res_model).name,
                file=wizard.file_name or "",
            ),
            {
                "import_id": wizard.id,
                "res_model": wizard.res_model,
                "file_name": wizard.file_name,
                "file_type": wizard.file_type,
                "fields": fields_,
                "columns": columns,
                "options": options,
                "context": wizard._import_job_context(),
                "start": skip,
                "cursor": skip,
                "imported": 0,
            },
            notice=self.env._(
                "The file is imported in the background: you may go on working, you "
                "will be notified when it is done."
            ),
        )
        Attachment = self.env["ir.attachment"].sudo()  # sudo: the job's file, stored by the server
        attachment = Attachment.create(
            {
                "name": wizard.file_name or "import",
                "raw": wizard.file,
                "res_model": self._name,
                "res_id": job.id,
            }
        )
        job_sudo = job.sudo()  # sudo: the job's parameters are the server's own
        job_sudo.write(
            {"payload": dict(job_sudo.payload, attachment_id=attachment.id), "total_count": rows}
        )
        return job

    def _job_step_import(self, limit=IMPORT_BATCH):
        self.ensure_one()
        payload = dict(self.payload)
        env = self.with_context(lang=self.user_id.lang).env
        attachment = self.env["ir.attachment"].browse(payload.get("attachment_id")).exists()
        if not attachment:
            self._fail(env._("The imported file is no longer available: import it again."))
            return 0
        # The import itself runs as the user who started it, with their rights.
        user_env = self.env(
            user=self.user_id.id,
            su=False,
            context=dict(
                payload["context"],
                lang=self.user_id.lang,
                allowed_company_ids=[self.company_id.id],
            ),
        )
        wizard = user_env["base_import.import"].create(
            {
                "res_model": payload["res_model"],
                "file": attachment.raw,
                "file_name": payload["file_name"],
                "file_type": payload["file_type"],
            }
        )
        cursor = payload["cursor"]
        options = dict(payload["options"], skip=cursor, limit=limit)
        with server_marks(IMPORT_JOB_MARK):
            answer = wizard.execute_import(payload["fields"], payload["columns"], options)
        wizard.sudo().unlink()  # sudo: the copy of the file made above for this batch
        messages = answer.get("messages") or []
        lines = payload.get("lines", []) + self._import_message_lines(env, messages, cursor)
        if any(message.get("type") == "error" for message in messages):
            self._import_end(
                attachment,
                payload,
                lines,
                env._(
                    "Import stopped: the batch from row %(row)s has rows in error, "
                    "nothing from that row on was imported (%(count)s record(s) "
                    "imported before). Correct the file and import the rows left.",
                    row=self._import_row(cursor),
                    count=payload["imported"],
                ),
            )
            self._fail(self.result)
            return 0
        payload["imported"] += len(answer.get("ids") or [])
        payload["lines"] = lines
        nextrow = answer.get("nextrow") or 0
        payload["cursor"] = nextrow or payload["start"] + self.total_count
        done = payload["cursor"] - payload["start"]
        if not nextrow:
            self.done_count = done
            self._import_end(
                attachment,
                payload,
                lines,
                env._(
                    "%(count)s record(s) imported from %(file)s.",
                    count=payload["imported"],
                    file=payload["file_name"] or "",
                ),
            )
            return 0
        self.write({"payload": payload, "done_count": done})
        return max(self.total_count - done, 1)

    def _import_end(self, attachment, payload, lines, summary):
        """Record what the import did (``summary``, then the messages kept)
        and drop the file."""
        kept = lines[:IMPORT_MESSAGE_LINES]
        if len(lines) > len(kept):
            env = self.with_context(lang=self.user_id.lang).env
            kept.append(env._("… and %(count)s more.", count=len(lines) - len(kept)))
        payload = dict(payload, lines=[], attachment_id=False)
        self.write({"payload": payload, "result": "\n".join([summary, *kept])})
        attachment.unlink()

    def _fail(self, reason):
        """A failed import does not keep its file either (whatever failed)."""
        super()._fail(reason)
        imports = self.filtered(lambda job: job.kind == "import")
        if imports:
            Attachment = self.env["ir.attachment"].sudo()  # sudo: these jobs' files
            Attachment.search(
                [("res_model", "=", self._name), ("res_id", "in", imports.ids)]
            ).unlink()

    def _import_row(self, index):
        """The row of the file (numbered as a spreadsheet does, header
        included) of the ``index``-th row of data."""
        return index + 1 + (1 if self.payload["options"].get("has_headers") else 0)

    def _import_message_lines(self, env, messages, cursor):
        """The messages of ``load`` as lines of the job's result, the same
        message on following rows told once for all of them."""
        runs = []  # [first row, last row, message]
        for message in messages:
            text = message.get("message") or ""
            rows = message.get("rows") or {}
            if "from" not in rows:
                runs.append([None, None, text])
                continue
            first = self._import_row(cursor + rows["from"])
            last = self._import_row(cursor + rows["to"])
            previous = runs[-1] if runs else None
            if previous and previous[0] and previous[2] == text and first <= previous[1] + 1:
                previous[1] = max(previous[1], last)
            else:
                runs.append([first, last, text])
        lines = []
        for first, last, text in runs:
            if first is None:
                lines.append(text)
            elif first == last:
                lines.append(env._("Row %(row)s: %(message)s", row=first, message=text))
            else:
                lines.append(
                    env._(
                        "Rows %(first)s to %(last)s: %(message)s",
                        first=first,
                        last=last,
                        message=text,
                    )
                )
        return lines
