import json
import math

from odoo import models

# Name of the attachments holding the rows a job still has to handle.
JOB_PART_NAME = "collectivite-job-part-%05d.json"


class CollectiviteJob(models.Model):
    """The rows a job still has to handle, kept out of its ``payload``:
    "parts", attachments of the job each holding a JSON list of rows (about
    the rows of one batch). A batch reads only the parts holding its rows
    (``_parts_read``), then drops the rows it handled (``_parts_drop``: the
    parts used up are deleted, the rows left of the last one kept), in the
    batch's transaction: a batch interrupted leaves its parts as they were.
    The payload keeps the ids of the parts left (``payload["parts"]``); a job
    that fails drops them. Attachments of a job are read as the job is (its
    user, the administrators): nobody else reads them."""

    # One concern per file: the job machinery is in collectivite_job.py.
    _inherit = "collectivite.job"  # pylint: disable=consider-merging-classes-inherited

    def _parts_create(self, chunks):
        """Store ``chunks`` (lists of rows, in order) as parts of this job;
        returns their ids, in order."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()  # sudo: the job's parts, the server's own
        parts = Attachment.create(
            [
                {
                    "name": JOB_PART_NAME % number,
                    "raw": json.dumps(chunk, ensure_ascii=False).encode(),
                    "mimetype": "application/json",
                    "res_model": self._name,
                    "res_id": self.id,
                }
                for number, chunk in enumerate(chunks, start=1)
                if chunk
            ]
        )
        return parts.ids

    def _parts_read(self, part_ids, limit, size):
        """The first of the parts ``part_ids`` holding at least ``limit`` rows
        (or all the rows left), each with its count of rows, and their rows.
        ``size``: the rows of a part when it was made (every part but the last
        holds at least as many, except the first one when a batch stopped
        inside it). Nothing when one of them is gone (rows would be missed)."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()  # sudo: the job's parts, the server's own
        wanted = Attachment.browse(part_ids[: math.ceil(limit / size) + 1])
        if wanted.exists() != wanted:
            return [], []
        parts = []
        rows = []
        for part in wanted:
            if len(rows) >= limit:
                break
            part_rows = json.loads(part.raw)
            rows.extend(part_rows)
            parts.append((part, len(part_rows)))
        return parts, rows

    def _parts_drop(self, part_ids, parts, rows, used):
        """Drop the ``used`` first ``rows`` from the ``parts`` (as
        ``_parts_read`` gave them) they were read from; returns the ids of
        the parts left, in order."""
        spent = self.env["ir.attachment"].sudo()  # sudo: the job's parts, the server's own
        offset = 0
        for part, count in parts:
            if offset + count <= used:
                spent |= part
            elif offset < used:
                part.raw = json.dumps(rows[used : offset + count], ensure_ascii=False).encode()
            offset += count
        spent.unlink()
        return [part_id for part_id in part_ids if part_id not in spent.ids]

    def _fail(self, reason):
        """A failed job does not keep its parts."""
        super()._fail(reason)
        part_ids = [
            part_id for job in self.sudo() for part_id in (job.payload or {}).get("parts") or []
        ]
        if part_ids:
            Attachment = self.env["ir.attachment"].sudo()  # sudo: these jobs' parts
            Attachment.search(
                [("id", "in", part_ids), ("res_model", "=", self._name), ("res_id", "in", self.ids)]
            ).unlink()
