import contextlib
import contextvars

from odoo import models

from odoo.addons.base_import.models.base_import import ImportValidationError

from ..markers import is_marked

# Rows above which an import started from Odoo's import dialog runs in the
# background (a ``collectivite.job`` of kind ``import``) instead of the request.
IMPORT_BACKGROUND_ROWS = 1000
# Context keys of the dialog's call kept for the job: the defaults of the list
# the import was started from and the choice of not tracking the changes.
IMPORT_CONTEXT_KEYS = ("tracking_disable",)
# The server's marker around the job's own calls to ``execute_import``.
IMPORT_JOB_MARK = "collectivite_base.import_job"
# The rows of the batch a job imports (already read from the file), set by the
# server around its call to ``execute_import``: out of any client's reach.
_JOB_ROWS = contextvars.ContextVar("collectivite_import_job_rows", default=None)


@contextlib.contextmanager
def import_job_rows(rows):
    """Within the block, ``execute_import`` imports ``rows`` (lists of the
    file's values, as ``_convert_import_data`` gives them) instead of reading
    the wizard's file: each batch of a job reads its own rows only."""
    token = _JOB_ROWS.set(rows)
    try:
        yield
    finally:
        _JOB_ROWS.reset(token)


class BaseImportImport(models.TransientModel):
    """Odoo's import dialog, unchanged for small files and tests: an import of
    more than ``IMPORT_BACKGROUND_ROWS`` rows is queued as a background job
    (``collectivite_job_import.py``) and the dialog says so."""

    _inherit = "base_import.import"

    def execute_import(self, fields, columns, options, dryrun=False):
        if dryrun or is_marked(IMPORT_JOB_MARK):
            return super().execute_import(fields, columns, options, dryrun=dryrun)
        self.ensure_one()
        try:
            data, _import_fields = self._convert_import_data(fields, options)
        except ImportValidationError:
            return super().execute_import(fields, columns, options, dryrun=dryrun)
        if len(data) <= IMPORT_BACKGROUND_ROWS:
            return super().execute_import(fields, columns, options, dryrun=dryrun)
        refusal = self._import_job_refusal(_import_fields, data)
        if refusal:
            return {
                "messages": [{"type": "error", "message": refusal, "not_matching_error": True}],
            }
        job = self.env["collectivite.job"]._import_enqueue(
            self, fields, columns, options, len(data)
        )
        message = self.env._(
            "The file has %(count)s rows: it is imported in the background (%(job)s). "
            "You may go on working; you will be notified when it is done.",
            count=len(data),
            job=job.name,
        )
        return {
            "ids": [],
            "messages": [
                {"type": "info", "message": message, "not_matching_error": True, "record": False}
            ],
            "nextrow": 0,
            "name": [],
            "collectivite_job_id": job.id,
        }

    def _convert_import_data(self, fields, options):
        rows = _JOB_ROWS.get()
        if rows is None or not is_marked(IMPORT_JOB_MARK):
            return super()._convert_import_data(fields, options)
        # a batch of a job: its rows, read from the file when the job started
        return [list(row) for row in rows], [field for field in fields if field]

    def _import_job_refusal(self, import_fields, data):
        """Why these rows cannot be imported in the background (False: they
        can). Images named by a file name are sent by the browser after each
        batch of the dialog (Odoo's ``binary_filenames``): a job has no
        browser to send them, so such a file is refused rather than imported
        without its images (images given as URLs or base64 are imported)."""
        # Odoo's own detection (it blanks the names in ``data``: a copy)
        named = self._extract_binary_filenames(import_fields, [list(row) for row in data])
        columns = [field for field, names in named.items() if any(names)]
        if not columns:
            return False
        labels = self.env[self.res_model].fields_get(columns, ["string"])
        columns = [labels[field]["string"] if field in labels else field for field in columns]
        return self.env._(
            "The column(s) %(columns)s name image files sent from your computer: they cannot "
            "be imported in the background. Give the images as URLs (or base64), or import "
            "the file in parts of at most %(count)s rows.",
            columns=", ".join(columns),
            count=IMPORT_BACKGROUND_ROWS,
        )

    def _import_job_context(self):
        """What the job keeps of the context of the dialog's call."""
        return {
            key: value
            for key, value in self.env.context.items()
            if key.startswith("default_") or key in IMPORT_CONTEXT_KEYS
        }
