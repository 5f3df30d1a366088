"""Odoo's clickbot over each of the suite's apps, as the demo's agent and manager.

The clickbot opens every menu of an app, then every view, filter and group-by
of its actions, and fails on any error the web client shows.
"""

import logging
import re

from odoo.tests import HttpCase, tagged

_logger = logging.getLogger(__name__)

APPS = (
    "household_accounts.collectivite_household_menu_root",
    "teleservice_requests.collectivite_teleservice_menu_root",
    "helpdesk_mgmt.helpdesk_ticket_main_menu",
    "ldap_provisioning.ldap_provisioning_menu_root",
)


@tagged("post_install", "-at_install")
class TestClickEverywhere(HttpCase):
    allow_end_on_form = True

    def _warm_up(self, login):
        """Build the web client's asset bundles before the browser waits for them
        (the first build takes longer than the browser's ready check on a busy machine)."""
        self.authenticate(login, login)
        page = self.url_open("/odoo", timeout=300).text
        for url in sorted(set(re.findall(r'(?:src|href)="(/web/assets/[^"]+)"', page))):
            self.url_open(url, timeout=300)

    def _click_apps(self, login):
        user = self.env["res.users"].search([("login", "=", login)])
        self.assertTrue(user, "the demo data define the user %s" % login)
        user.tour_enabled = False
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        visible = {menus[app_id]["xmlid"] for app_id in menus["root"]["children"]}
        apps = [xmlid for xmlid in APPS if xmlid in visible]
        self._warm_up(login)
        self.assertIn("teleservice_requests.collectivite_teleservice_menu_root", apps)
        for xmlid in apps:
            with self.subTest(login=login, app=xmlid):
                _logger.info("Clickbot on %s as %s", xmlid, login)
                self.browser_js(
                    "/odoo",
                    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
                    ".startClickEverywhere('%s');" % xmlid,
                    "odoo.isReady === true",
                    login=login,
                    timeout=900,
                    success_signal="clickbot test succeeded",
                )

    def test_agent_clicks_everywhere(self):
        self._click_apps("agent")

    def test_manager_clicks_everywhere(self):
        self._click_apps("manager")
