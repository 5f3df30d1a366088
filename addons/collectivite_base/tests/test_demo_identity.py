import base64

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open

DEMO_COMPANIES = {
    "base.main_company": ("logo_pontoise.png", "219 550 009 00016"),
    "collectivite_base.company_cergy": ("logo_cergy.png", "219 501 278 00012"),
}


@tagged("post_install", "-at_install")
class TestDemoIdentity(HttpCase):
    """Each demo commune has its own letterhead: no "Your logo" placeholder on the
    portal nor in the letters, its own address, contacts and SIRET, in French and
    in Paris time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "collectivite_base")])
        assert module.demo, "make test installs the demo data these tests read"
        with file_open("base/static/img/res_company_logo.png", "rb") as placeholder:
            cls.placeholder = placeholder.read()

    def _logo(self, name):
        with file_open(f"collectivite_base/static/img/demo/{name}", "rb") as logo:
            return logo.read()

    def test_companies_have_their_letterhead(self):
        for xmlid, (logo, siret) in DEMO_COMPANIES.items():
            company = self.env.ref(xmlid)
            with self.subTest(company=company.name):
                self.assertEqual(base64.b64decode(company.logo), self._logo(logo))
                self.assertNotEqual(base64.b64decode(company.logo), self.placeholder)
                self.assertEqual(company.company_registry, siret)
                self.assertTrue(company.street and company.zip and company.city)
                self.assertTrue(company.phone and company.email and company.website)
                self.assertIn(siret, str(company.report_footer))
                self.assertIn(company.city, str(company.company_details))
                self.assertTrue(company.external_report_layout_id)
                self.assertEqual(company.partner_id.lang, "fr_FR")
                self.assertEqual(company.partner_id.tz, "Europe/Paris")

    def test_portal_shows_the_commune_logo(self):
        """The logo the portal's header loads, for a citizen of each commune."""
        for xmlid in DEMO_COMPANIES:
            company = self.env.ref(xmlid)
            login = f"identity_{company.id}"
            new_test_user(
                self.env,
                login=login,
                groups="base.group_portal",
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            )
            self.authenticate(login, login)
            with self.subTest(company=company.name):
                home = self.url_open("/my/home", timeout=60)
                self.assertEqual(home.status_code, 200)
                self.assertIn(f"/logo.png?company={company.id}", home.text)
                response = self.url_open(f"/logo.png?company={company.id}", timeout=60)
                self.assertEqual(response.status_code, 200)
                # the header's logo: the commune's, resized (``logo_web``)
                self.assertEqual(response.content, base64.b64decode(company.logo_web))
                self.assertNotEqual(response.content, self.placeholder)

    def test_demo_users_in_paris_time(self):
        users = (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("id", "!=", self.env.ref("base.public_user").id)])
        )
        self.assertFalse(users.filtered(lambda user: user.tz != "Europe/Paris").mapped("login"))
