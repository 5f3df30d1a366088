import re

from odoo.tests import HttpCase, tagged

from .common import PASSWORD, PEOPLE_BASE, LdapCase


@tagged("post_install", "-at_install")
class TestLogin(LdapCase, HttpCase):
    """Agents log in with their directory password through a real HTTP login."""

    def _login(self, login, password):
        page = self.url_open("/web/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            "/web/login",
            data={"login": login, "password": password, "csrf_token": token},
        )
        self.assertEqual(response.status_code, 200)
        return "/web/login" not in response.url

    def test_login_with_directory_password(self):
        self.sync()
        philippe = self.users("philippe.usclade")
        self.assertTrue(philippe.active)
        self.assertFalse(self._login("philippe.usclade", "not-the-password"))
        self.assertTrue(self._login("philippe.usclade", PASSWORD))
        info = self.url_open(
            "/web/session/get_session_info", data="{}", headers={"Content-Type": "application/json"}
        ).json()
        self.assertEqual(info["result"]["uid"], philippe.id)

    def test_archived_agent_cannot_log_in(self):
        self.sync()
        marie = self.users("marie.durand")
        self.slapd.ldapdelete(f"uid=marie.durand,{PEOPLE_BASE}")
        self.sync()
        self.assertFalse(marie.active)
        self.assertFalse(self._login("marie.durand", PASSWORD))

    def test_unknown_directory_user_is_not_created_at_login(self):
        # paul.sansgroupe has no password and no group; create_user is off.
        self.assertFalse(self._login("paul.sansgroupe", PASSWORD))
        self.assertFalse(self.users("paul.sansgroupe"))

    def test_user_created_at_login_is_linked(self):
        """With auth_ldap's "create user" on, a first login creates a linked user
        that the synchronisation then manages (no conflict)."""
        self.config.create_user = True
        self.assertTrue(self._login("philippe.usclade", PASSWORD))
        philippe = self.users("philippe.usclade")
        self.assertEqual(philippe.ldap_config_id, self.config)
        self.assertEqual(philippe.ldap_dn, f"uid=philippe.usclade,{PEOPLE_BASE}")
        step = self.sync()
        self.assertNotIn("philippe.usclade", "\n".join(step["report"]))
        self.assertIn(self.group_agent, philippe.groups_id)
