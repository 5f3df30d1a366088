from odoo import models


class CollectiviteHousehold(models.Model):
    """The history the household's code writes (its creation, its members, the
    changes, invitations and sign-up checks) is in the collectivité's language,
    whoever makes the change and whatever their own language (demo data and
    scripts run in English)."""

    _name = "collectivite.household"
    _inherit = ["collectivite.household", "collectivite.system.log"]  # pylint: disable=consider-merging-classes-inherited

    def _history_env(self):
        """The environment in the language of this household's collectivité, to
        translate the history written by code (``_history_env()._("…")``)."""
        self.ensure_one()
        return self.with_context(lang=self._system_lang(self.company_id)).env

    def _creation_message(self):
        self.ensure_one()
        return self._history_env()._("Household account created")
