import re
from unittest.mock import patch

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.mail.models.mail_mail import MailMail

from .common import HouseholdCaseMixin, read_form

SENT = "Vérifiez votre messagerie"


@tagged("post_install", "-at_install")
class TestHouseholdSignup(HouseholdCaseMixin, HttpCase):
    """“Créer mon compte” (/household/signup) and “Mot de passe oublié”, over HTTP
    as an anonymous visitor, with the forms as the pages render them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()
        cls.env.ref("base.public_user").lang = "fr_FR"
        cls.env["ir.config_parameter"].sudo().set_param("auth_signup.reset_password", "True")
        # The explicit setting: the test's two communes open their sign-up, and only them
        # (the demo data opens the demo communes).
        cls.env["res.company"].search([]).household_signup_open = False
        (cls.company | cls.other_company).household_signup_open = True
        cls.company.email = "accueil@pontoise.example.org"
        cls.other_company.email = "accueil@test-sur-oise.example.org"

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # an anonymous visitor
        # Keep the sent e-mails to read them (Odoo deletes them once sent).
        patcher = patch.object(MailMail, "unlink", lambda self: None)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _signup(self, **values):
        """Fill the sign-up form as rendered (CSRF token read from the page) and post it."""
        page = self.url_open("/household/signup")
        self.assertEqual(page.status_code, 200)
        action, form, options = read_form(page.text, "o_household_signup_form")
        self.assertEqual(action, "/household/signup")
        self.assertTrue(form["csrf_token"])
        form.update(
            {
                "company_id": str(self.company.id),
                "email": "nouvelle.usagere@example.org",
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
            }
        )
        form.update(values)
        return self.url_open(action, data=form), options

    def _counts(self):
        return (
            self.env["res.users"].with_context(active_test=False).search_count([]),
            self.env["collectivite.household"].search_count([]),
            self.env["res.partner"].with_context(active_test=False).search_count([]),
        )

    def _account(self, login):
        """A portal account (no household) whose login is an e-mail address."""
        return new_test_user(self.env, login=login, email=login, groups="base.group_portal")

    def _mails_to(self, email):
        return self.env["mail.mail"].search([("recipient_ids.email", "=", email)])

    def test_signup_is_opened_by_the_setting_only(self):
        # A new collectivité is closed until an administrator opens it.
        self.assertFalse(
            self.env["res.company"].create({"name": "Commune fermée"}).household_signup_open
        )
        login = self.url_open("/web/login")
        self.assertIn('href="/household/signup"', login.text)
        (self.company | self.other_company).household_signup_open = False
        before = self._counts()
        self.assertEqual(self.url_open("/household/signup").status_code, 404)
        response = self.url_open(
            "/household/signup",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "company_id": str(self.company.id),
                "email": "ferme@example.org",
                "firstname": "Paul",
                "lastname": "Fermé",
                "street": "rue Neuve",
                "zip": "95300",
                "city": "Pontoise",
            },
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._counts(), before)
        self.assertNotIn('href="/household/signup"', self.url_open("/web/login").text)

    def test_signup_in_the_chosen_commune_then_choose_password(self):
        response, options = self._signup(
            company_id=str(self.other_company.id), city="Test-sur-Oise", zip="95999"
        )
        self.assertEqual(
            set(options["company_id"]) - {""}, {str(self.company.id), str(self.other_company.id)}
        )
        self.assertIn(SENT, response.text)
        self.assertIn("nouvelle.usagere@example.org", response.text)
        user = self.env["res.users"].search([("login", "=", "nouvelle.usagere@example.org")])
        self.assertTrue(user._is_portal())
        self.assertEqual((user.company_id, user.company_ids), (self.other_company,) * 2)
        partner = user.partner_id
        self.assertEqual(partner.name, "Anne-Sophie Léger")
        self.assertEqual(str(partner.birthdate), "1992-03-14")
        self.assertEqual(partner.company_id, self.other_company)
        household = partner.household_id
        self.assertEqual(household.company_id, self.other_company)
        self.assertEqual(household.state, "draft")
        self.assertEqual(
            (household.responsible_id, partner.household_role), (partner, "responsible")
        )
        self.assertEqual((household.zip, household.city), ("95999", "Test-sur-Oise"))
        self.assertEqual(household.email, "nouvelle.usagere@example.org")
        self.assertEqual(household.phone, "06 55 44 33 22")
        # The commune's agents see it, the other commune's do not.
        self.assertIn(
            household, self.env["collectivite.household"].with_user(self.other_agent).search([])
        )
        self.assertNotIn(
            household, self.env["collectivite.household"].with_user(self.agent).search([])
        )
        # No password yet: the link in the e-mail opens Odoo's page to choose it.
        mail = self._mails_to("nouvelle.usagere@example.org")
        self.assertEqual(len(mail), 1)
        self.assertIn("choisissez votre mot de passe", mail.subject)
        link = re.search(r'href="[^"]*(/web/signup\?[^"]+)"', mail.body_html).group(1)
        page = self.url_open(link.replace("&amp;", "&"))
        self.assertEqual(page.status_code, 200)
        action, form, _options = read_form(page.text, "oe_signup_form")
        form.update(password="Motdepasse-2026", confirm_password="Motdepasse-2026")
        self.url_open(action or "/web/signup", data=form)
        self.authenticate("nouvelle.usagere@example.org", "Motdepasse-2026")
        page = self.url_open("/my/household")
        self.assertIn(household.name, page.text)
        self.assertIn("En cours", page.text)
        household.with_user(self.other_agent).action_validate()
        self.assertIn("Valide", self.url_open("/my/household").text)

    def test_signup_bad_input_creates_nothing(self):
        closed = self.env["res.company"].create({"name": "Commune sans inscription"})
        cases = [
            ({"zip": "9530"}, "cinq chiffres"),
            ({"lastname": ""}, "«\xa0Nom\xa0»"),
            ({"street": ""}, "«\xa0Rue\xa0»"),
            ({"birthdate": "2999-01-01"}, "dans le futur"),
            ({"email": ""}, "Indiquez votre adresse e-mail"),
            ({"email": "pas-une-adresse"}, "pas-une-adresse\xa0» n&#39;est pas valide"),
            ({"company_id": ""}, "Choisissez votre commune"),
            ({"company_id": str(closed.id)}, "Choisissez votre commune"),
            ({"company_id": "forged"}, "Choisissez votre commune"),
        ]
        for values, message in cases:
            before = self._counts()
            with self.subTest(message=message):
                response, _options = self._signup(**values)
                self.assertIn(message, response.text)
                self.assertNotIn(SENT, response.text)
                self.assertEqual(self._counts(), before)
        self.assertFalse(self._mails_to("nouvelle.usagere@example.org"))
        # The input is kept for correction.
        response, _options = self._signup(zip="9530")
        self.assertIn('value="Anne-Sophie"', response.text)
        self.assertIn('value="9530"', response.text)
        self.assertIn('value="nouvelle.usagere@example.org"', response.text)

    def test_known_address_gets_the_same_answer(self):
        """The page never says that an address is known: an account's owner gets a mail."""
        owner = self._account("elodie_m@example.org")
        free, _options = self._signup(email="inconnue@example.org")
        before = self._counts()
        known, _options = self._signup(email="Elodie_M@Example.org")
        self.assertEqual(known.status_code, free.status_code)
        self.assertIn(SENT, known.text)
        self.assertEqual(
            html_text(free.text).replace("inconnue@example.org", "EMAIL"),
            html_text(known.text).replace("Elodie_M@Example.org", "EMAIL"),
        )
        self.assertEqual(self._counts(), before)
        self.assertFalse(owner.partner_id.household_id)
        reminder = self._mails_to("elodie_m@example.org")
        self.assertEqual(len(reminder), 1)
        self.assertIn("existe déjà", reminder.subject)

    def test_like_patterns_match_themselves(self):
        """`%` and `_` in an address are characters, not patterns matching other accounts."""
        self._account("elodie_m@example.org")
        for email in ("elo%@example.org", "elodie__@example.org", "elodie_%@example.org"):
            with self.subTest(email=email):
                response, _options = self._signup(email=email)
                self.assertIn(SENT, response.text)
                user = self.env["res.users"].search([("login", "=", email)])
                self.assertTrue(user, "the pattern must not match elodie_m's login")
                self.assertEqual(user.partner_id.household_id.email, email)
        self.assertFalse(self._mails_to("elodie_m@example.org"))

    def test_member_email_does_not_block_its_owner(self):
        """Someone typed Élodie's address for a member of their household: she still signs up."""
        squatter = self.env["res.partner"].create(
            {
                "firstname": "Élodie",
                "lastname": "Ferrand",
                "household_role": "spouse",
                "household_id": self.household_b.id,
                "email": "elodie.roux@example.org",
            }
        )
        response, _options = self._signup(email="Elodie.Roux@example.org", lastname="Roux")
        self.assertIn(SENT, response.text)
        user = self.env["res.users"].search([("login", "=", "elodie.roux@example.org")])
        household = user.partner_id.household_id
        self.assertTrue(household)
        self.assertNotEqual(household, self.household_b)
        self.assertEqual(squatter.household_id, self.household_b)
        # The agents are told, in an internal note, to check for a duplicate.
        notes = household.message_ids.filtered(
            lambda message: self.household_b.name in message.body
        )
        self.assertTrue(notes)
        self.assertTrue(all(note.subtype_id.internal for note in notes))

    def test_odoo_free_signup_is_left_as_odoo_configures_it(self):
        """/web/signup is Odoo's: no household fields, no household; closed with b2b."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("auth_signup.invitation_scope", "b2c")
        page = self.url_open("/web/signup")
        self.assertNotIn('name="zip"', page.text)
        action, form, _options = read_form(page.text, "oe_signup_form")
        form.update(
            login="client.boutique@example.org",
            name="Client Boutique",
            password="Motdepasse-2026",
            confirm_password="Motdepasse-2026",
        )
        self.url_open(action or "/web/signup", data=form)
        user = self.env["res.users"].search([("login", "=", "client.boutique@example.org")])
        self.assertTrue(user)
        self.assertFalse(user.partner_id.household_id)
        self.assertFalse(self.env["collectivite.household"].search([("email", "=", user.login)]))
        # The household sign-up does not depend on Odoo's free sign-up.
        self.authenticate(None, None)
        params.set_param("auth_signup.invitation_scope", "b2b")
        self.assertEqual(self.url_open("/web/signup").status_code, 404)
        response, _options = self._signup()
        self.assertIn(SENT, response.text)
        self.assertTrue(
            self.env["res.users"].search([("login", "=", "nouvelle.usagere@example.org")])
        )

    def test_signup_is_not_reachable_through_json_rpc(self):
        before = self._counts()
        values = {
            "company_id": self.company.id,
            "email": "rpc@example.org",
            "firstname": "Rémi",
            "lastname": "Pecé",
            "street": "rue Neuve",
            "zip": "95300",
            "city": "Pontoise",
        }
        result = self.call_kw("res.users", "_household_signup", [values])
        self.assertIn("error", result)
        self._login_citizen()
        result = self.call_kw("res.users", "_household_signup", [values])
        self.assertIn("error", result)
        self.assertEqual(self._counts(), before)

    def _login_citizen(self):
        self.authenticate(self.citizen_a.login, f"{self.citizen_a.login}_pw")

    def test_reset_password(self):
        page = self.url_open("/web/reset_password")
        action, form, _options = read_form(page.text, "oe_reset_password_form")
        form["login"] = self.citizen_a.login
        response = self.url_open(action or "/web/reset_password", data=form)
        self.assertEqual(response.status_code, 200)
        self.assertIn('class="alert alert-success"', response.text)
        self.assertTrue(self.citizen_a.partner_id.signup_type == "reset")


def html_text(page):
    """The visible text of a page's main content, to compare two answers."""
    body = page.split("<main", 1)[-1]
    body = re.sub(r'name="csrf_token" value="[^"]*"', "", body)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
