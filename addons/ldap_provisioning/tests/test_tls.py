from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PASSWORD, SCHOOLS_BASE, LdapCase


@tagged("post_install", "-at_install")
class TestTls(LdapCase):
    """A slapd with a self-signed certificate: StartTLS and LDAPS for real; a
    provisioning directory without TLS is neither saved nor used."""

    def test_starttls_sync_and_login_check(self):
        self.assertTrue(self.config.ldap_tls)
        self.sync()
        self.assertEqual(self.config.last_sync_state, "done")
        self.assertTrue(self.users("philippe.usclade").active)
        conf = [c for c in self.config._get_ldap_dicts() if c["id"] == self.config.id][0]
        self.assertTrue(self.config._authenticate(conf, "philippe.usclade", PASSWORD))
        self.assertFalse(self.config._authenticate(conf, "philippe.usclade", "wrong"))

    def test_ldaps_sync(self):
        self.config.write(
            {"ldap_tls": False, "ldap_ssl": True, "ldap_server_port": self.slapd.tls_port}
        )
        self.sync()
        self.assertEqual(self.config.last_sync_state, "done")
        self.assertTrue(self.users("marie.durand").active)

    def test_untrusted_certificate_is_refused(self):
        self.config.ldap_tls_cacertfile = "/etc/ssl/certs/ca-certificates.crt"
        self.env["res.company.ldap"]._cron_sync_directory()
        self.assertEqual(self.config.last_sync_state, "failed")
        self.assertFalse(self.users("philippe.usclade"))

    def test_ldaps_on_a_plain_port_fails_cleanly(self):
        self.config.write({"ldap_tls": False, "ldap_ssl": True})
        self.env["res.company.ldap"].with_context(lang="fr_FR")._cron_sync_directory()
        self.assertEqual(self.config.last_sync_state, "failed")
        self.assertIn("injoignable", self.config.last_sync_report)
        self.assertFalse(self.users("philippe.usclade"))

    def test_provisioning_without_tls_is_refused(self):
        Ldap = self.env["res.company.ldap"].with_context(lang="fr_FR")
        with self.assertRaises(ValidationError) as caught:
            self.config.with_context(lang="fr_FR").write({"ldap_tls": False})
        self.assertIn("StartTLS", str(caught.exception))
        self.assertTrue(self.config.ldap_tls)
        values = dict(self._config_values(), ldap_tls=False, sequence=5)
        with self.assertRaises(ValidationError) as caught:
            Ldap.create(values)
        self.assertIn("doit être chiffrée", str(caught.exception))
        self.assertEqual(Ldap.search_count([("sequence", "=", 5)]), 0)
        # A directory only used for logins may stay without TLS.
        login_only = Ldap.create(dict(values, is_provisioning=False))
        self.assertFalse(login_only.ldap_tls)

    def test_plain_directory_left_from_before_is_not_used(self):
        """A row saved before the rule (no TLS) is refused when used."""
        self.env.cr.execute(
            "UPDATE res_company_ldap SET ldap_tls = FALSE, ldap_ssl = FALSE WHERE id = %s",
            [self.config.id],
        )
        self.config.invalidate_recordset()
        Ldap = self.env["res.company.ldap"].with_context(lang="fr_FR")
        Ldap._cron_sync_directory()
        self.assertEqual(self.config.last_sync_state, "failed")
        self.assertIn("StartTLS", self.config.last_sync_report)
        self.assertFalse(self.users("philippe.usclade"))
        # Nor for logins: the agents' passwords would travel in clear.
        with self.assertLogs("odoo.addons.ldap_provisioning", "WARNING") as logs:
            confs = Ldap._get_ldap_dicts()
        self.assertNotIn(self.config.id, [conf["id"] for conf in confs])
        self.assertIn("without TLS", logs.output[0])
        operation = (
            self.env["collectivite.ldap.operation"]
            .with_context(lang="fr_FR")
            .create(
                {
                    "ldap_config_id": self.config.id,
                    "target": "place",
                    "operation_type": "create",
                    "place_code": "EM-CURIE",
                    "place_name": "École maternelle Marie Curie",
                }
            )
        )
        with self.assertRaises(UserError) as caught:
            operation.with_user(self.referential_admin).action_execute()
        self.assertIn("StartTLS", str(caught.exception))
        self.assertEqual(operation.state, "draft")
        self.assertFalse(self.slapd.ldapsearch(f"ou=EM-CURIE,{SCHOOLS_BASE}"))
