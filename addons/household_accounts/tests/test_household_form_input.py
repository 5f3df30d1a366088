"""Day one at the mairie: what people type in the household forms, over HTTP.

The sign-up (``/household/signup``), *Modifier mes coordonnées* and the member
form, posted as the pages render them: civilities are Madame and Monsieur only,
and bad input (a civility ``²``, a birth date before year 1000, a NUL byte, a file
instead of a text, a very long text) gives a French message with the input
kept, never an HTTP 500, and stores nothing.
"""

from hypothesis import given
from hypothesis import strategies as st

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.collectivite_base.tests.forms import HYPOTHESIS, WRONG_VALUES
from odoo.addons.collectivite_base.tests.forms import with_generated as _posted

from .common import HouseholdCaseMixin, read_form

SENT = "Vérifiez votre messagerie"


@tagged("post_install", "-at_install")
class TestHouseholdFormInput(HouseholdCaseMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()
        cls.env.ref("base.public_user").lang = "fr_FR"
        cls.env["res.company"].search([]).household_signup_open = False
        cls.company.household_signup_open = True
        cls.madam = cls.env.ref("base.res_partner_title_madam")
        cls.mister = cls.env.ref("base.res_partner_title_mister")
        cls.miss = cls.env.ref("base.res_partner_title_miss")
        cls.household_c, cls.citizen_c = cls.create_citizen(
            "Chantal", "Girard", "h_citizen_c", "draft"
        )

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pw")

    def _page_form(self, url, css_class):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return read_form(page.text, css_class)

    def _counts(self):
        return (
            self.env["res.users"].with_context(active_test=False).search_count([]),
            self.env["collectivite.household"].search_count([]),
            self.env["res.partner"].with_context(active_test=False).search_count([]),
            self.env["collectivite.household.change"].search_count([]),
        )

    def _signup_form(self, **values):
        self.authenticate(None, None)
        action, form, options = self._page_form("/household/signup", "o_household_signup_form")
        form.update(
            {
                "company_id": str(self.company.id),
                "email": "nouvel.usager@example.org",
                "civility": str(self.madam.id),
                "firstname": "Anne-Sophie",
                "lastname": "Léger",
                "birthdate": "1992-03-14",
                "phone": "06 55 44 33 22",
                "street_number": "7",
                "street": "rue de l'Hermitage",
                "zip": "95300",
                "city": "Pontoise",
                "contact_channel": "email",
            },
            **values,
        )
        return action, form, options

    def _member_form(self, **values):
        self._login(self.citizen_c)
        action, form, options = self._page_form(
            "/my/household/member/new", "o_household_member_form"
        )
        form.update(
            {
                "title": str(self.mister.id),
                "firstname": "Jules",
                "lastname": "Girard",
                "birthdate": "2019-04-01",
                "household_role": "child",
            },
            **values,
        )
        return action, form, options

    def _assert_refused(self, response, counts, message, kept=None):
        self.assertEqual(response.status_code, 200)
        self.assertIn(message, response.text)
        if kept:
            self.assertIn(f'value="{kept}"', response.text)
        self.assertEqual(self._counts(), counts)

    # ------------------------------------------------------------------
    # Civilities
    # ------------------------------------------------------------------

    def test_forms_offer_madame_and_monsieur_only(self):
        _action, _form, options = self._signup_form()
        self.assertEqual(options["civility"], ["", str(self.madam.id), str(self.mister.id)])
        _action, _form, options = self._member_form()
        self.assertEqual(options["title"], ["", str(self.madam.id), str(self.mister.id)])
        page = self.url_open("/my/household/member/new")
        self.assertIn(">Madame<", page.text)
        self.assertNotIn("Mademoiselle", page.text)
        self.assertNotIn("res.partner.title", page.text)  # the page's title stays its own

    def test_mademoiselle_is_refused_everywhere(self):
        counts = self._counts()
        action, form, _options = self._signup_form(civility=str(self.miss.id))
        self._assert_refused(
            self.url_open(action, data=form), counts, "Choisissez la civilité", "Léger"
        )
        action, form, _options = self._member_form(title=str(self.miss.id))
        self._assert_refused(
            self.url_open(action, data=form), counts, "Choisissez la civilité", "Jules"
        )
        # Back office: the member list of the household form offers the two civilities,
        # and an agent's JSON-RPC write of another one is refused.
        self.authenticate("h_agent", "h_agent_pw")
        member = self.household_c.responsible_id
        result = self.call_kw(
            "res.partner",
            "write",
            [member.ids, {"title": self.miss.id}],
            context={"lang": "fr_FR"},
        )
        self.assertIn("Choisissez la civilité", result["error"]["data"]["message"])
        self.assertFalse(member.title)
        result = self.call_kw(
            "res.partner",
            "read",
            [member.ids, ["household_title_ids"]],
        )
        self.assertEqual(
            sorted(result["result"][0]["household_title_ids"]),
            sorted((self.madam | self.mister).ids),
        )
        views = self.call_kw(
            "collectivite.household", "get_views", [[[False, "form"]]], {"options": {}}
        )
        arch = views["result"]["views"]["form"]["arch"]
        self.assertIn("[('id', 'in', household_title_ids)]", arch)

    # ------------------------------------------------------------------
    # Bad input: a message, the input kept, nothing stored
    # ------------------------------------------------------------------

    def test_superscript_civility(self):
        counts = self._counts()
        action, form, _options = self._signup_form(civility="²")
        self._assert_refused(
            self.url_open(action, data=form), counts, "Choisissez la civilité", "Léger"
        )
        action, form, _options = self._signup_form(company_id="²")
        self._assert_refused(
            self.url_open(action, data=form), counts, "Choisissez votre commune", "Léger"
        )
        action, form, _options = self._member_form(title="²")
        self._assert_refused(
            self.url_open(action, data=form), counts, "Choisissez la civilité", "Jules"
        )
        action, form, _options = self._member_form(title="99999999999999")
        self._assert_refused(
            self.url_open(action, data=form), counts, "Choisissez la civilité", "Jules"
        )

    def test_birth_date_before_year_1000(self):
        counts = self._counts()
        for birthdate in ("0999-12-31", "1899-12-31", "999-01-01"):
            action, form, _options = self._signup_form(birthdate=birthdate)
            response = self.url_open(action, data=form)
            self._assert_refused(response, counts, "date de naissance", "Léger")
            action, form, _options = self._member_form(birthdate=birthdate)
            response = self.url_open(action, data=form)
            self._assert_refused(response, counts, "date de naissance", "Jules")

    def test_nul_byte_in_each_field(self):
        counts = self._counts()
        message = "caractère de contrôle"
        for fname in ("email", "firstname", "lastname", "phone", "street", "street2", "city"):
            action, form, _options = self._signup_form(**{fname: "Ab\x00cd"})
            response = self.url_open(action, data=form)
            self._assert_refused(response, counts, message)
            self.assertNotIn("\x00", response.text)
        for fname in ("firstname", "lastname", "email", "phone", "birthdate", "title"):
            action, form, _options = self._member_form(**{fname: "Ab\x00cd"})
            response = self.url_open(action, data=form)
            kept = "Abcd" if fname in ("firstname", "lastname", "phone") else "Girard"
            self._assert_refused(response, counts, "o_household_error", kept)
        household = self.household_c
        before = household.read(["street", "city", "phone"])
        self._login(self.citizen_c)
        action, form, _options = self._page_form("/my/household/edit", "o_household_edit_form")
        for fname in ("street", "city", "phone", "email", "zip", "contact_channel"):
            response = self.url_open(action, data=dict(form, **{fname: "Rue\x00 X"}))
            self._assert_refused(response, counts, message)
            if fname != "contact_channel":
                # The input is kept, without what cannot be shown.
                self.assertIn('value="Rue X"', response.text)
        household.invalidate_recordset()
        self.assertEqual(household.read(["street", "city", "phone"]), before)
        self.assertEqual(self._counts(), counts)

    def test_household_url_with_a_huge_id(self):
        self._login(self.citizen_c)
        for url in ("/my/household/99999999999", "/my/household/member/99999999999"):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (303, 404), url)

    def test_file_instead_of_a_text(self):
        counts = self._counts()
        action, form, _options = self._signup_form()
        data, files = _posted(form, {}, "lastname")
        response = self.url_open(action, data=data, files=files)
        self._assert_refused(response, counts, "doit être un texte")
        action, form, _options = self._member_form()
        data, files = _posted(form, {}, "firstname")
        response = self.url_open(action, data=data, files=files)
        self._assert_refused(response, counts, "doit être un texte")

    # ------------------------------------------------------------------
    # Generated input
    # ------------------------------------------------------------------

    def _assert_answered(self, response, counts, accepted):
        """Never a 500; a refusal shows a message and stores nothing."""
        self.assertLess(response.status_code, 500, response.text[:500])
        if not accepted(response):
            self.assertEqual(response.status_code, 200)
            self.assertRegex(response.text, "o_household_(signup_)?error")
            self.assertEqual(self._counts(), counts)

    @mute_logger("odoo.http")
    @HYPOTHESIS
    @given(
        generated=st.dictionaries(
            st.sampled_from(
                ["company_id", "email", "civility", "firstname", "lastname", "birthdate",
                 "phone", "street_number", "street", "street2", "zip", "city",
                 "contact_channel"]
            ),
            WRONG_VALUES,
            min_size=1,
            max_size=4,
        ),
        file_field=st.one_of(st.none(), st.sampled_from(["email", "civility", "street"])),
    )  # fmt: skip
    def test_generated_signup_input(self, generated, file_field):
        counts = self._counts()
        action, form, _options = self._signup_form()
        data, files = _posted(form, generated, file_field)
        response = self.url_open(action, data=data, files=files)
        self._assert_answered(response, counts, lambda response: SENT in response.text)

    @mute_logger("odoo.http")
    @HYPOTHESIS
    @given(
        generated=st.dictionaries(
            st.sampled_from(
                ["title", "firstname", "lastname", "birthdate", "household_role", "email",
                 "phone"]
            ),
            WRONG_VALUES,
            min_size=1,
            max_size=4,
        ),
        file_field=st.one_of(st.none(), st.sampled_from(["title", "birthdate", "lastname"])),
    )  # fmt: skip
    def test_generated_member_input(self, generated, file_field):
        counts = self._counts()
        action, form, _options = self._member_form()
        data, files = _posted(form, generated, file_field)
        response = self.url_open(action, data=data, files=files)
        self._assert_answered(response, counts, lambda response: "message=" in response.url)

    @mute_logger("odoo.http")
    @HYPOTHESIS
    @given(
        generated=st.dictionaries(
            st.sampled_from(
                ["email", "phone", "mobile", "street_number", "street", "street2", "zip",
                 "city", "contact_channel"]
            ),
            WRONG_VALUES,
            min_size=1,
            max_size=4,
        ),
        file_field=st.one_of(st.none(), st.sampled_from(["zip", "contact_channel", "city"])),
    )  # fmt: skip
    def test_generated_household_input(self, generated, file_field):
        household = self.household_c
        fnames = ["email", "phone", "mobile", "street", "zip", "city", "contact_channel"]
        household.invalidate_recordset()
        before = household.read(fnames)
        counts = self._counts()
        self._login(self.citizen_c)
        action, form, _options = self._page_form("/my/household/edit", "o_household_edit_form")
        data, files = _posted(form, generated, file_field)
        response = self.url_open(action, data=data, files=files)
        accepted = "message=" in response.url
        self._assert_answered(response, counts, lambda response: accepted)
        if not accepted:
            household.invalidate_recordset()
            self.assertEqual(household.read(fnames), before)
