from odoo import fields, models

from ..exceptions import DirectoryError, SyncBusy

# Lines of the synchronisation report kept in the job's result.
REPORT_LINES = 20


class CollectiviteJob(models.Model):
    """The synchronisation of a directory as a background job
    (collectivite_base): one batch of agents per run of the scheduled action,
    the directory's result and report as the job's result."""

    _inherit = "collectivite.job"

    kind = fields.Selection(
        selection_add=[("ldap_sync", "Directory synchronisation")],
        ondelete={"ldap_sync": "cascade"},
    )

    def _job_step_ldap_sync(self, limit=None):
        self.ensure_one()
        config = self.env["res.company.ldap"].browse(self.payload["config_id"]).exists()
        env = self.with_context(lang=self.user_id.lang).env
        if not config:
            self._fail(env._("The directory configuration no longer exists."))
            return 0
        try:
            step = config._sync_directory(limit=limit or config.sync_batch_size or None)
        except SyncBusy as error:
            self._fail(str(error))
            return 0
        except DirectoryError as error:
            # recorded on the directory too, as the scheduled synchronisation does
            config._sync_failed(str(error))
            self._fail(str(error))
            return 0
        done = self.done_count + step["done"]
        values = {"done_count": done, "total_count": done + step["remaining"]}
        if not step["remaining"]:
            lines = (config.last_sync_report or "").splitlines()
            total = env._("%(count)s change(s) in all.", count=done)
            values["result"] = "\n".join([total, *lines[:REPORT_LINES]])
        self.write(values)
        return step["remaining"]
