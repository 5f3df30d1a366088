from odoo.tests import tagged

from . import slapd as slapd_helper
from .common import PASSWORD, LdapCase, seed_ldif


@tagged("post_install", "-at_install")
class TestTls(LdapCase):
    """A slapd with a self-signed certificate: StartTLS and LDAPS for real."""

    @classmethod
    def setUpClass(cls):
        # LdapCase starts a plain server; this class needs one with TLS.
        super().setUpClass()
        cls.slapd.stop()
        cls.slapd = slapd_helper.launch(3890, 3899, tls=True)
        cls.addClassCleanup(cls.slapd.stop)
        cls.slapd.ldapadd(seed_ldif())
        cls.config.write(
            {
                "ldap_server_port": cls.slapd.port,
                "ldap_tls": True,
                "ldap_tls_cacertfile": cls.slapd.ca_file,
            }
        )

    def test_starttls_sync_and_login_check(self):
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
