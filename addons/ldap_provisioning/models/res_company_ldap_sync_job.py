from odoo import models


class ResCompanyLdap(models.Model):
    """The synchronisation button runs in the background (a
    ``collectivite.job``): it returns at once with the job's progress, and
    the administrator is told when the directory is synchronised."""

    # One concern per file: the synchronisation itself is in res_company_ldap_sync.py.
    _inherit = "res.company.ldap"  # pylint: disable=consider-merging-classes-inherited

    def action_sync_background(self):
        """Start the synchronisation of each directory as a background job;
        returns the window of its progress."""
        self._check_system_admin()
        Job = self.env["collectivite.job"]
        for config in self:
            Job |= Job._enqueue(
                "ldap_sync",
                self.env._("Synchronisation of the directory %(name)s", name=config.display_name),
                {"config_id": config.id},
                company=config.company,
            )
        if len(Job) == 1:
            return Job._action_open()
        return {
            "type": "ir.actions.act_window",
            "res_model": "collectivite.job",
            "domain": [("id", "in", Job.ids)],
            "views": [(False, "list"), (False, "form")],
            "name": self.env._("Background jobs"),
        }
