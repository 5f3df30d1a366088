from lxml import etree

from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import LdapCase


@tagged("post_install", "-at_install")
class TestViews(LdapCase):
    """The back office as the referential administrator sees it: every view of
    the menu opens and reads without an access error."""

    def _read_list(self, user, action_xmlid):
        """The list of a menu's action as the web client reads it (action domain included)."""
        action = self.env.ref(action_xmlid)
        Model = self.env[action.res_model].with_user(user).with_context(active_test=False)
        view_id = action.view_ids[:1].view_id.id or False
        views = Model.get_views([(view_id, "list")])
        arch = etree.fromstring(views["views"]["list"]["arch"])
        spec = {node.get("name"): {} for node in arch.iter("field")}
        domain = safe_eval(action.domain or "[]")
        result = Model.web_search_read(domain, spec)
        # What the administrator finds with the same domain: nothing hidden, nothing more.
        expected = self.env[action.res_model].with_context(active_test=False).search(domain)
        self.assertEqual(result["length"], len(expected))
        self.assertEqual({row["id"] for row in result["records"]}, set(expected.ids))
        for row in result["records"]:
            self.assertLessEqual(set(spec), set(row))
        return result

    def test_menus_open_for_referential_admin(self):
        self.sync()
        operation = self.env["collectivite.ldap.operation"].create(
            {
                "ldap_config_id": self.config.id,
                "target": "place",
                "operation_type": "create",
                "place_code": "EM-CURIE",
                "place_name": "École maternelle Marie Curie",
            }
        )
        admin = self.referential_admin
        agents = self._read_list(admin, "ldap_provisioning.res_users_action_ldap_agents")
        uids = {row["ldap_uid"] for row in agents["records"]}
        self.assertLessEqual({"philippe.usclade", "marie.durand", "jean.martin"}, uids)
        self.assertNotIn("paul.sansgroupe", uids)  # in no mapped group
        ids = [row["id"] for row in agents["records"]]
        self.assertNotIn(self.env.ref("base.user_admin").id, ids)
        self.assertNotIn(admin.id, ids)
        schools = self._read_list(admin, "ldap_provisioning.collectivite_school_action")
        codes = {row["code"] for row in schools["records"]}
        self.assertLessEqual({"EE-JFERRY", "CL-TILLEULS"}, codes)
        operations = self._read_list(admin, "ldap_provisioning.collectivite_ldap_operation_action")
        self.assertIn(operation.id, [row["id"] for row in operations["records"]])
        philippe = self.users("philippe.usclade")
        form = Form(
            philippe.with_user(admin), view="ldap_provisioning.res_users_view_form_ldap_agent"
        )
        self.assertEqual(form.ldap_uid, "philippe.usclade")
        school = self.env["collectivite.school"].search([("code", "=", "EE-JFERRY")])
        form = Form(school.with_user(admin))
        self.assertEqual(form.code, "EE-JFERRY")
        menu = self.env.ref("ldap_provisioning.ldap_provisioning_menu_root")
        visible = self.env["ir.ui.menu"].with_user(admin)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertNotIn(
            self.env.ref("ldap_provisioning.ldap_provisioning_menu_config").id, visible
        )

    def test_schools_readable_by_agents(self):
        self.sync()
        agent = new_test_user(
            self.env, login="agent.lecture", groups="collectivite_base.collectivite_group_agent"
        )
        schools = self.env["collectivite.school"].with_user(agent).search([])
        self.assertIn("EE-JFERRY", schools.mapped("code"))
        self.assertNotIn(
            self.env.ref("ldap_provisioning.ldap_provisioning_menu_root").id,
            self.env["ir.ui.menu"].with_user(agent)._visible_menu_ids(),
        )

    def test_config_form_for_system_admin(self):
        form = Form(self.config, view="ldap_provisioning.res_company_ldap_view_form")
        self.assertTrue(form.is_provisioning)
        self.assertEqual(len(form.group_mapping_ids), 4)
        # Default labels exist in every installed language; the directory shows its company.
        labels = self.config.with_context(lang="fr_FR").group_mapping_ids.mapped("name")
        self.assertIn("Administrateur du référentiel", labels)
        self.assertIn("Contributeur", labels)
        self.assertIn(
            "Contributor", self.config.with_context(lang="en_US").group_mapping_ids.mapped("name")
        )
        self.assertEqual(
            self.config.display_name, "%s (127.0.0.1:%s)" % (self.company.name, self.slapd.port)
        )
        found = self.env["res.company.ldap"].name_search(self.company.name)
        self.assertIn(self.config.id, [config_id for config_id, _name in found])
