from odoo import models


class CollectiviteRequest(models.Model):
    """The request's creation message is in the collectivité's language (the
    requester's own language, or English for demo data, otherwise)."""

    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    def _creation_message(self):
        self.ensure_one()
        return self.with_context(lang=self._system_lang(self.company_id)).env._("Request created")
