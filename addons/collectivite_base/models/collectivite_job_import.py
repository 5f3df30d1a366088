from odoo import api, fields, models
from odoo.models import fix_import_export_id_paths

from odoo.addons.base_import.models.base_import import ImportValidationError

from ..markers import server_marks
from .base_import_import import IMPORT_JOB_MARK, import_job_rows
from .collectivite_job import UNFINISHED

# Rows imported per batch (one transaction of the scheduled action), and rows
# of a part of the file (an attachment of the job, see ``_import_split``).
IMPORT_BATCH = 1000
# Lines of messages (rows in error, warnings) kept in the job's result.
IMPORT_MESSAGE_LINES = 50


class CollectiviteJob(models.Model):
    """A large import started from Odoo's import dialog, as a background job:
    Odoo's own ``execute_import`` (hence ``load``), by batches of rows, as the
    user who started it. The file, kept as an attachment of the job, is read
    once, by the first batch, which splits its rows into parts (attachments
    of about ``IMPORT_BATCH`` rows, cut where a record begins) and drops it;
    each batch then reads only the parts holding its rows and drops them (or
    keeps the rows left of the last one), so the cost grows as the file does.
    A batch, its parts and the job's cursor (``payload["cursor"]``, the first
    row not imported) are committed together: a batch interrupted leaves
    nothing behind and the next run starts it again; a batch with a row in
    error imports nothing (as Odoo's ``load``) and stops the job, the rows
    imported before kept and the rows in error in the job's result. The job's
    attachments are dropped when it ends, whatever the end."""

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
        env = self.with_context(lang=self.user_id.lang).env
        # The import itself runs as the user who started it, with their rights.
        user_env = self.env(
            user=self.user_id.id,
            su=False,
            context=dict(
                self.payload["context"],
                lang=self.user_id.lang,
                allowed_company_ids=[self.company_id.id],
            ),
        )
        if "parts" not in self.payload:
            messages = self._import_split(user_env)
            if messages is None:
                self._fail(env._("The imported file is no longer available: import it again."))
                return 0
            if messages:
                self._import_stop(self.payload, messages)
                return 0
        payload = dict(self.payload)
        parts, rows = self._parts_read(payload["parts"], limit, IMPORT_BATCH)
        if not parts:
            self._fail(env._("The imported file is no longer available: import it again."))
            return 0
        wizard = user_env["base_import.import"].create(
            {
                "res_model": payload["res_model"],
                "file_name": payload["file_name"],
                "file_type": payload["file_type"],
            }
        )
        cursor = payload["cursor"]
        options = dict(payload["options"], skip=0, limit=limit)
        with server_marks(IMPORT_JOB_MARK), import_job_rows(rows):
            answer = wizard.execute_import(payload["fields"], payload["columns"], options)
        wizard.sudo().unlink()  # sudo: the dialog made above for this batch
        messages = answer.get("messages") or []
        if any(message.get("type") == "error" for message in messages):
            self._import_stop(payload, messages)
            return 0
        payload["imported"] += len(answer.get("ids") or [])
        payload["lines"] = payload.get("lines", []) + self._import_message_lines(
            env, messages, cursor
        )
        imported = answer.get("nextrow") or len(rows)
        payload["parts"] = self._parts_drop(payload["parts"], parts, rows, imported)
        payload["cursor"] = cursor + imported
        done = payload["cursor"] - payload["start"]
        if not payload["parts"]:
            self.done_count = done
            self._import_end(
                payload,
                payload["lines"],
                env._(
                    "%(count)s record(s) imported from %(file)s.",
                    count=payload["imported"],
                    file=payload["file_name"] or "",
                ),
            )
            return 0
        self.write({"payload": payload, "done_count": done})
        return max(self.total_count - done, 1)

    def _import_split(self, user_env):
        """Read the job's file once, as its user, into parts of about
        ``IMPORT_BATCH`` rows (attachments of the job), then drop the file.
        Returns the messages of a file that cannot be read (empty: read),
        None when the file is gone."""
        payload = dict(self.payload)
        Attachment = self.env["ir.attachment"].sudo()  # sudo: the job's files
        attachment = Attachment.browse(payload.get("attachment_id")).exists()
        if not attachment:
            return None
        wizard = user_env["base_import.import"].create(
            {
                "res_model": payload["res_model"],
                "file": attachment.raw,
                "file_name": payload["file_name"],
                "file_type": payload["file_type"],
            }
        )
        # from the cursor: a job queued by an earlier version may have begun
        options = dict(payload["options"], skip=payload["cursor"])
        try:
            data, import_fields = wizard._convert_import_data(payload["fields"], options)
        except ImportValidationError as error:
            return [error.__dict__]
        finally:
            wizard.sudo().unlink()  # sudo: the dialog made above to read the file
        starts = self._import_record_starts(payload["res_model"], import_fields)
        chunks = []
        for row in data:
            if not chunks or (len(chunks[-1]) >= IMPORT_BATCH and starts(row)):
                chunks.append([])
            chunks[-1].append(row)
        payload.update(parts=self._parts_create(chunks), attachment_id=False)
        attachment.unlink()
        total = payload["cursor"] - payload["start"] + len(data)
        self.write({"payload": payload, "total_count": total})
        return []

    @api.model
    def _import_record_starts(self, res_model, import_fields):
        """Whether a row begins a record, as ``load`` reads rows: a row with
        values in one2many columns only continues the record above it (a part
        of the file never cuts a record)."""
        model_fields = self.env[res_model]._fields
        lines = set()
        for index, name in enumerate(import_fields):
            first = fix_import_export_id_paths(name)[0]
            if first in model_fields and model_fields[first].type == "one2many":
                lines.add(index)

        def starts(row):
            if not any(row[index] for index in lines):
                return True
            return any(value for index, value in enumerate(row) if index not in lines)

        return starts

    def _import_stop(self, payload, messages):
        """The import stopped at the batch from ``payload["cursor"]`` (rows
        in error, or a file that cannot be read): nothing from there on is
        imported; the job fails, saying so."""
        env = self.with_context(lang=self.user_id.lang).env
        cursor = payload["cursor"]
        lines = payload.get("lines", []) + self._import_message_lines(env, messages, cursor)
        self._import_end(
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

    def _import_end(self, payload, lines, summary):
        """Record what the import did (``summary``, then the messages kept)
        and drop the job's attachments."""
        kept = lines[:IMPORT_MESSAGE_LINES]
        if len(lines) > len(kept):
            env = self.with_context(lang=self.user_id.lang).env
            kept.append(env._("… and %(count)s more.", count=len(lines) - len(kept)))
        payload = dict(payload, lines=[], attachment_id=False, parts=[])
        self.write({"payload": payload, "result": "\n".join([summary, *kept])})
        self._import_drop_files()

    def _fail(self, reason):
        """A failed import does not keep its file either (whatever failed)."""
        super()._fail(reason)
        self.filtered(lambda job: job.kind == "import")._import_drop_files()

    def _import_drop_files(self):
        """Drop the attachments of these jobs (the file, its parts)."""
        if self:
            Attachment = self.env["ir.attachment"].sudo()  # sudo: these jobs' files
            Attachment.search([("res_model", "=", self._name), ("res_id", "in", self.ids)]).unlink()

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
