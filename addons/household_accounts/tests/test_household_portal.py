import json

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.collectivite_base.tests.common import json_rpc

from .common import HouseholdCaseMixin


@tagged("post_install", "-at_install")
class TestHouseholdPortal(HouseholdCaseMixin, HttpCase):
    """“Mon foyer” over HTTP, as two different citizens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pw")

    def _call_kw(self, model, method, args, kwargs=None):
        return json_rpc(self, model, method, args, kwargs)

    def _post(self, url, data):
        return self.url_open(url, data=dict(data, csrf_token=http.Request.csrf_token(self)))

    def test_my_household_shows_only_mine(self):
        self._login(self.citizen_a)
        response = self.url_open("/my/household")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.household_a.name, response.text)
        self.assertIn("Zoé Dupuis", response.text)
        self.assertNotIn(self.household_b.name, response.text)
        self.assertNotIn("Ferrand", response.text)
        home = self.url_open("/my")
        self.assertIn("/my/household", home.text)

    def test_direct_urls_of_another_household_fail(self):
        self._login(self.citizen_a)
        own = self.url_open(f"/my/household/{self.household_a.id}")
        self.assertIn(self.household_a.name, own.text)
        other = self.url_open(f"/my/household/{self.household_b.id}")
        self.assertTrue(other.url.endswith("/my"))
        self.assertNotIn(self.household_b.name, other.text)
        token = self.url_open(f"/my/household/{self.household_b.id}?access_token=forged")
        self.assertNotIn(self.household_b.name, token.text)
        member = self.url_open(f"/my/household/member/{self.member_b.id}")
        self.assertEqual(member.status_code, 404)
        self.assertNotIn("Ferrand", member.text)
        # Posting on another household's member changes nothing either.
        posted = self._post(
            f"/my/household/member/{self.member_b.id}",
            {"firstname": "Pirate", "lastname": "Ferrand", "household_role": "other"},
        )
        self.assertEqual(posted.status_code, 404)
        self.assertEqual(self.member_b.firstname, "Bruno")
        self.assertFalse(self.household_b.change_ids)

    def test_share_link_with_token_opens_the_household(self):
        self._login(self.citizen_b)
        self.household_a._portal_ensure_token()
        response = self.url_open(
            f"/my/household/{self.household_a.id}?access_token={self.household_a.access_token}"
        )
        self.assertIn(self.household_a.name, response.text)
        self.assertNotIn('href="/my/household/edit"', response.text)
        self.assertNotIn('href="/my/household/member/new"', response.text)

    def test_json_rpc_reads_of_another_household_fail(self):
        self._login(self.citizen_a)
        own = self._call_kw("collectivite.household", "read", [[self.household_a.id], ["name"]])
        self.assertEqual(own["result"][0]["name"], self.household_a.name)
        cases = [
            ("collectivite.household", "read", [[self.household_b.id], ["name"]]),
            ("res.partner", "read", [[self.member_b.id], ["name", "birthdate"]]),
            ("collectivite.household", "write", [[self.household_a.id], {"phone": "0"}]),
            ("collectivite.household", "action_validate", [[self.household_b.id]]),
            (
                "collectivite.household.change",
                "create",
                [{"household_id": self.household_b.id, "household_values": {"city": "X"}}],
            ),
        ]
        for model, method, args in cases:
            with self.subTest(model=model, method=method):
                result = self._call_kw(model, method, args)
                self.assertIn("error", result)
                self.assertNotIn("Ferrand", json.dumps(result.get("result", "")))
        found = self._call_kw("collectivite.household", "search_read", [[]], {"fields": ["name"]})[
            "result"
        ]
        self.assertEqual([row["name"] for row in found], [self.household_a.name])
        partners = self._call_kw(
            "res.partner", "search_read", [[("household_id", "!=", False)]], {"fields": ["name"]}
        )["result"]
        self.assertEqual({row["name"] for row in partners}, {"Aurélie Dupuis", "Zoé Dupuis"})
        self.assertEqual(self.household_b.state, "valid")
        self.assertFalse(self.household_b.change_ids)

    def test_edit_contact_data_of_valid_household_makes_a_pending_change(self):
        self._login(self.citizen_a)
        response = self._post(
            "/my/household/edit",
            {
                "street_number": "4",
                "street": "rue de la République",
                "zip": "95300",
                "city": "Pontoise",
                "phone": "06 11 11 11 11",
                "contact_channel": "sms",
            },
        )
        self.assertIn("message=pending", response.url)
        self.assertIn("Modification en cours", response.text)
        self.assertFalse(self.household_a.phone)
        change = self.household_a.pending_change_id
        self.assertEqual(
            change.household_values, {"phone": "06 11 11 11 11", "contact_channel": "sms"}
        )
        # A second change while the first waits: refused, input kept, nothing saved.
        response = self._post(
            "/my/household/edit",
            {
                "street": "rue de la République",
                "zip": "95300",
                "city": "Pontoise",
                "phone": "07 22 22 22 22",
                "contact_channel": "sms",
            },
        )
        self.assertIn("attend déjà", response.text)
        self.assertIn('value="07 22 22 22 22"', response.text)
        self.assertEqual(len(self.household_a.change_ids), 1)

    def test_bad_input_is_shown_with_input_kept(self):
        self._login(self.citizen_a)
        response = self._post(
            "/my/household/edit",
            {"street": "rue de la République", "zip": "953", "city": "Pontoise"},
        )
        self.assertIn("cinq chiffres", response.text)
        self.assertIn('value="953"', response.text)
        self.assertFalse(self.household_a.change_ids)

    def test_declare_member_in_draft_household_applies_at_once(self):
        household, citizen = self.create_citizen("Chantal", "Girard", "h_citizen_c", "draft")
        self._login(citizen)
        response = self._post(
            "/my/household/member/new",
            {
                "firstname": "Jules",
                "lastname": "Girard",
                "birthdate": "2019-04-01",
                "household_role": "child",
            },
        )
        self.assertIn("message=saved", response.url)
        self.assertIn("Jules Girard", household.member_ids.mapped("name"))
        self.assertIn("Jules Girard", response.text)

    def test_invalid_household_corrected_goes_back_in_progress(self):
        household, citizen = self.create_citizen("Denis", "Marchal", "h_citizen_d", "draft")
        household.with_user(self.agent).action_invalidate("Adresse incomplète.")
        self._login(citizen)
        self.assertIn("Adresse incomplète.", self.url_open("/my/household").text)
        self._post(
            "/my/household/edit",
            {
                "street_number": "12",
                "street": "rue de la République",
                "zip": "95300",
                "city": "Pontoise",
                "contact_channel": "mail",
            },
        )
        self.assertEqual(household.state, "draft")
        self.assertEqual(household.street_number, "12")

    def test_inactive_account_is_refused(self):
        self.household_a.with_user(self.agent).is_active = False
        self._login(self.citizen_a)
        for url in ("/my/household", "/my/household/edit", "/my/household/member/new"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 403)
                self.assertIn("inactif", response.text)
        self.assertNotIn("Zoé", self.url_open("/my/household").text)
        # Nor through JSON-RPC, nor by posting a change.
        for model, ids in (
            ("collectivite.household", self.household_a.ids),
            ("res.partner", self.child_a.ids),
        ):
            with self.subTest(model=model):
                self.assertIn("error", self._call_kw(model, "read", [ids, ["name"]]))
        response = self._post(
            "/my/household/edit",
            {"street": "rue Neuve", "zip": "95300", "city": "Pontoise", "contact_channel": "sms"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.household_a.change_ids)

    def test_forged_member_values_are_refused(self):
        household, citizen = self.create_citizen("Élise", "Vidal", "h_citizen_e", "draft")
        self._login(citizen)
        response = self._post(
            "/my/household/member/new",
            {"firstname": "Léon", "lastname": "Vidal", "household_role": "boss", "title": "999999"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choisissez le rôle", response.text)
        self.assertEqual(len(household.member_ids), 1)
        response = self._post(
            "/my/household/member/new",
            {
                "firstname": "Léon",
                "lastname": "Vidal",
                "household_role": "child",
                "title": "999999",
            },
        )
        # An unknown civility is refused as the role is (it used to be dropped silently).
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choisissez la civilité", response.text)
        self.assertEqual(len(household.member_ids), 1)

    def test_other_member_with_an_account_reads_but_does_not_edit(self):
        spouse = self.env["res.partner"].create(
            {
                "firstname": "Marc",
                "lastname": "Dupuis",
                "household_role": "spouse",
                "household_id": self.household_a.id,
                "email": "marc.dupuis@example.org",
            }
        )
        user = new_test_user(
            self.env,
            login="h_spouse_a",
            password="h_spouse_a_pw",
            groups="base.group_portal",
            partner_id=spouse.id,
            name=spouse.name,
        )
        self._login(user)
        page = self.url_open("/my/household")
        self.assertIn(self.household_a.name, page.text)
        self.assertNotIn('href="/my/household/edit"', page.text)
        response = self._post(
            "/my/household/edit",
            {"street": "rue Neuve", "zip": "95300", "city": "Pontoise", "contact_channel": "sms"},
        )
        self.assertIn("Seul le responsable", response.text)
        self.assertFalse(self.household_a.change_ids)

    def test_portal_messages_only_on_own_household(self):
        self._login(self.citizen_a)
        page = self.url_open("/my/household")
        self.assertIn('data-res_model="collectivite.household"', page.text)

        def post(household):
            return self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "collectivite.household",
                    "thread_id": household.id,
                    "post_data": {
                        "body": "Bonjour, nous avons déménagé.",
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                    },
                },
            )

        post(self.household_a)
        self.assertIn(
            "nous avons déménagé",
            " ".join(self.household_a.message_ids.mapped("body")),
        )
        with self.assertRaises(JsonRpcException):
            post(self.household_b)
        self.assertNotIn(
            "nous avons déménagé",
            " ".join(self.household_b.message_ids.mapped("body")),
        )
