from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

from .slapd import GROUPS_BASE, PEOPLE_BASE


@tagged("post_install", "-at_install")
class TestSecurity(TransactionCase):
    """Who sees what: per-company referential administrators, the super
    administrator, agents, and the bind password."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pontoise = cls.env.ref("base.main_company")
        cls.cergy = cls.env["res.company"].create({"name": "Commune de Cergy (test)"})
        Ldap = cls.env["res.company.ldap"]
        common = {
            "ldap_server": "127.0.0.1",
            "ldap_server_port": 3899,
            "ldap_tls": True,
            "ldap_binddn": "cn=admin,dc=collectivite,dc=example",
            "ldap_password": "secret-bind-password",
            "ldap_base": PEOPLE_BASE,
            "ldap_filter": "(uid=%s)",
            "is_provisioning": True,
            "ldap_people_base": PEOPLE_BASE,
            "ldap_groups_base": GROUPS_BASE,
        }
        cls.config_pontoise = Ldap.create(dict(common, company=cls.pontoise.id))
        cls.config_cergy = Ldap.create(dict(common, company=cls.cergy.id))
        Operation = cls.env["collectivite.ldap.operation"]
        values = {
            "target": "place",
            "operation_type": "create",
            "place_code": "EE-TEST",
            "place_name": "École de test",
        }
        cls.operation_pontoise = Operation.create(
            dict(values, ldap_config_id=cls.config_pontoise.id)
        )
        cls.operation_cergy = Operation.create(dict(values, ldap_config_id=cls.config_cergy.id))
        cls.admin_pontoise = new_test_user(
            cls.env,
            login="ref.pontoise",
            groups="ldap_provisioning.group_referential_admin",
            company_id=cls.pontoise.id,
            company_ids=[cls.pontoise.id],
        )
        cls.super_admin = new_test_user(
            cls.env,
            login="ref.super",
            groups="ldap_provisioning.group_referential_super_admin",
            company_id=cls.pontoise.id,
            company_ids=[cls.pontoise.id, cls.cergy.id],
        )
        cls.agent = new_test_user(
            cls.env, login="agent.simple", groups="collectivite_base.collectivite_group_agent"
        )

    def test_referential_admin_sees_their_collectivite_only(self):
        Operation = self.env["collectivite.ldap.operation"].with_user(self.admin_pontoise)
        operations = Operation.search([])
        self.assertIn(self.operation_pontoise, operations)
        self.assertNotIn(self.operation_cergy, operations)
        self.assertEqual(operations.company_id, self.pontoise)
        with self.assertRaises(AccessError):
            self.operation_cergy.with_user(self.admin_pontoise).read(["name"])
        configs = self.env["res.company.ldap"].with_user(self.admin_pontoise).search([])
        self.assertIn(self.config_pontoise, configs)
        self.assertNotIn(self.config_cergy, configs)

    def test_super_admin_works_across_collectivites(self):
        Operation = (
            self.env["collectivite.ldap.operation"]
            .with_user(self.super_admin)
            .with_context(allowed_company_ids=[self.pontoise.id, self.cergy.id])
        )
        operations = Operation.search([])
        self.assertIn(self.operation_pontoise, operations)
        self.assertIn(self.operation_cergy, operations)

    def test_bind_password_is_for_system_admins_only(self):
        config = self.config_pontoise.with_user(self.admin_pontoise)
        self.assertEqual(config.ldap_server, "127.0.0.1")
        with self.assertRaises(AccessError):
            config.read(["ldap_password"])
        with self.assertRaises(AccessError):
            config.write({"ldap_server": "ldap.example.org"})
        self.assertEqual(self.config_pontoise.ldap_server, "127.0.0.1")
        # Nor in the chatter: creating and changing the directory tracks no password.
        self.config_pontoise.ldap_password = "another-secret"  # noqa: S105
        self.env.flush_all()
        bodies = " ".join(
            self.config_pontoise.message_ids.mapped(lambda m: str(m.body))
            + self.config_pontoise.message_ids.tracking_value_ids.mapped(
                lambda t: "%s %s" % (t.old_value_char, t.new_value_char)
            )
        )
        self.assertNotIn("secret", bodies)

    def test_agents_have_no_access_to_operations(self):
        with self.assertRaises(AccessError):
            self.env["collectivite.ldap.operation"].with_user(self.agent).search([])
        with self.assertRaises(AccessError):
            self.operation_pontoise.with_user(self.agent).action_execute()
        self.assertEqual(self.operation_pontoise.state, "draft")

    def test_only_draft_operations_can_be_deleted(self):
        self.operation_pontoise.write({"state": "error", "error_message": "x"})
        with self.assertRaises(UserError):
            self.operation_pontoise.with_user(self.admin_pontoise).unlink()
        self.assertTrue(self.operation_pontoise.exists())
        self.operation_cergy.unlink()
        self.assertFalse(self.operation_cergy.exists())
