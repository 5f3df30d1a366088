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

    def _import_job_context(self):
        """What the job keeps of the context of the dialog's call."""
        return {
            key: value
            for key, value in self.env.context.items()
            if key.startswith("default_") or key in IMPORT_CONTEXT_KEYS
        }
