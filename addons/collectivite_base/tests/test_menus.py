from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMenus(TransactionCase):
    def test_apps_menu_for_administrators_only(self):
        apps = self.env.ref("base.menu_management")
        under = self.env["ir.ui.menu"].search([("id", "child_of", apps.id)])
        Menu = self.env["ir.ui.menu"]
        agent = new_test_user(
            self.env, login="cb_menu_agent", groups="collectivite_base.collectivite_group_agent"
        )
        manager = new_test_user(
            self.env, login="cb_menu_manager", groups="collectivite_base.collectivite_group_manager"
        )
        for user in (agent, manager):
            with self.subTest(user=user.login):
                menus = Menu.with_user(user).load_menus(False)
                self.assertNotIn(apps.id, menus["root"]["children"])
                self.assertFalse(set(under.ids) & set(menus))
                self.assertFalse(Menu.with_user(user).search([("id", "in", under.ids)]))
        admin = new_test_user(self.env, login="cb_menu_admin", groups="base.group_system")
        self.assertIn(apps.id, Menu.with_user(admin).load_menus(False)["root"]["children"])
