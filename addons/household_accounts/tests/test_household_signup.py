from odoo import http
from odoo.tests import HttpCase, tagged

from .common import HouseholdCaseMixin


@tagged("post_install", "-at_install")
class TestHouseholdSignup(HouseholdCaseMixin, HttpCase):
    """“Créer mon compte” and “Mot de passe oublié” over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()
        cls.env.ref("base.public_user").lang = "fr_FR"
        cls.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        cls.env["ir.config_parameter"].sudo().set_param("auth_signup.reset_password", "True")

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # a public session, for the CSRF token

    def _signup(self, **values):
        form = {
            "login": "nouvelle.usagere@example.org",
            "civility": str(self.env.ref("base.res_partner_title_madam").id),
            "firstname": "Anne-Sophie",
            "lastname": "Léger",
            "birthdate": "1992-03-14",
            "phone": "06 55 44 33 22",
            "street_number": "7",
            "street": "rue de l'Hermitage",
            "zip": "95300",
            "city": "Pontoise",
            "contact_channel": "email",
            "password": "Motdepasse-2026",
            "confirm_password": "Motdepasse-2026",
            "csrf_token": http.Request.csrf_token(self),
        }
        form.update(values)
        return self.url_open("/web/signup", data=form)

    def _counts(self):
        return (
            self.env["res.users"].with_context(active_test=False).search_count([]),
            self.env["collectivite.household"].search_count([]),
            self.env["res.partner"].with_context(active_test=False).search_count([]),
        )

    def test_signup_page_has_household_fields(self):
        response = self.url_open("/web/signup")
        self.assertEqual(response.status_code, 200)
        for name in ("firstname", "lastname", "zip", "contact_channel", "civility"):
            self.assertIn(f'name="{name}"', response.text)

    def test_signup_creates_account_and_household_in_progress(self):
        response = self._signup()
        self.assertEqual(response.status_code, 200)
        user = self.env["res.users"].search([("login", "=", "nouvelle.usagere@example.org")])
        self.assertTrue(user)
        self.assertTrue(user._is_portal())
        partner = user.partner_id
        self.assertEqual(partner.name, "Anne-Sophie Léger")
        self.assertEqual((partner.firstname, partner.lastname), ("Anne-Sophie", "Léger"))
        self.assertEqual(str(partner.birthdate), "1992-03-14")
        household = partner.household_id
        self.assertEqual(household.state, "draft")
        self.assertEqual(household.responsible_id, partner)
        self.assertEqual(partner.household_role, "responsible")
        self.assertEqual((household.zip, household.city), ("95300", "Pontoise"))
        self.assertEqual(household.email, "nouvelle.usagere@example.org")
        self.assertEqual(household.phone, "06 55 44 33 22")
        # The new citizen logs in with their password and sees their household.
        self.authenticate("nouvelle.usagere@example.org", "Motdepasse-2026")
        page = self.url_open("/my/household")
        self.assertIn(household.name, page.text)
        self.assertIn("En cours", page.text)
        # An agent validates it in the back office; the citizen sees it valid.
        household.with_user(self.agent).action_validate()
        page = self.url_open("/my/household")
        self.assertIn("Valide", page.text)
        self.assertIn("Anne-Sophie Léger", page.text)

    def test_signup_bad_input_creates_nothing(self):
        cases = [
            ({"zip": "9530"}, "cinq chiffres"),
            ({"lastname": ""}, "«\xa0Nom\xa0»"),
            ({"street": ""}, "«\xa0Rue\xa0»"),
            ({"birthdate": "2999-01-01"}, "dans le futur"),
            ({"login": self.citizen_a.login}, "déjà utilisée par un autre compte"),
            ({"login": "Aurelie.Dupuis@Example.org"}, "déjà connue de la mairie"),
        ]
        self.citizen_a.partner_id.email = "aurelie.dupuis@example.org"
        for values, message in cases:
            before = self._counts()
            with self.subTest(message=message):
                response = self._signup(**values)
                self.assertIn(message, response.text)
                self.assertEqual(self._counts(), before)
        # The input is kept for correction.
        response = self._signup(zip="9530")
        self.assertIn('value="Anne-Sophie"', response.text)
        self.assertIn('value="9530"', response.text)

    def test_reset_password(self):
        response = self.url_open(
            "/web/reset_password",
            data={"login": self.citizen_a.login, "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('class="alert alert-success"', response.text)
        self.assertTrue(self.citizen_a.partner_id.signup_type == "reset")
