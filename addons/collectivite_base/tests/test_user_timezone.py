"""The back office shows times in the user's time zone, not the browser's:
an agent whose preferences say Europe/Paris reads the hour the e-mails and
letters give, even in a browser set to another zone."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUserTimezone(HttpCase):
    def test_web_client_in_the_users_zone(self):
        # A zone no test machine runs in, to tell it from the browser's.
        for tz in ("Europe/Paris", "Pacific/Chatham"):
            with self.subTest(tz=tz):
                login = f"tz_agent_{tz.split('/')[1].lower()}"
                new_test_user(self.env, login=login, groups="base.group_user", tz=tz)
                self.browser_js(
                    "/odoo",
                    f"""
                    const zone = luxon.Settings.defaultZone.name;
                    const instant = "2026-11-16T07:30:00Z";
                    const shown = luxon.DateTime.fromISO(instant).toFormat("HH:mm");
                    const expected = luxon.DateTime.fromISO(instant, {{zone: "{tz}"}})
                        .toFormat("HH:mm");
                    if (zone === "{tz}" && shown === expected) {{
                        console.log("test successful");
                    }} else {{
                        console.error(`zone ${{zone}}, ${{shown}} instead of ${{expected}}`);
                    }}
                    """,
                    ready="odoo.isReady",
                    login=login,
                )
