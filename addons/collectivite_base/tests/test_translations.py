from odoo.tests import TransactionCase, tagged

from .translations import french_gaps

SUITE = (
    "collectivite_base",
    "household_accounts",
    "teleservice_requests",
    "courrier_templates",
    "helpdesk_sla_fr",
    "ldap_provisioning",
)


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_is_covered_in_french(self):
        """Each term of each installed addon of the suite is in its fr.po at the place it
        is used (tools/i18n_sync.py writes the missing references)."""
        installed = self.env["ir.module.module"].search(
            [("name", "in", SUITE), ("state", "=", "installed")]
        )
        for module in installed.mapped("name"):
            with self.subTest(module=module):
                gaps = french_gaps(self.env, module)
                self.assertFalse(
                    gaps,
                    f"{module}: {len(gaps)} terms not covered by i18n/fr.po "
                    f"(run tools/i18n_sync.py), e.g. {gaps[:5]}",
                )
