from odoo import http
from odoo.tests import tagged

from .portal_common import PortalFormCase, read_form


@tagged("post_install", "-at_install")
class TestPortalAnonymous(PortalFormCase):
    """A procedure without an account (birth certificate), made by a visitor:
    request number, tracking code, private link; nothing to guess."""

    def _start(self, email="visiteur@example.org"):
        self.authenticate(None, None)
        page = self.url_open(f"/demarches/{self.birth.id}")
        self.assertEqual(page.status_code, 200)
        return self.submit_form(
            page,
            "o_teleservice_anonymous_form",
            {"visitor_name": "Jeanne Visiteuse", "visitor_email": email},
        )

    def _request_of(self, email="visiteur@example.org"):
        return self.env["collectivite.request"].search(
            [("requester_id.email", "=", email), ("teleservice_id", "=", self.birth.id)]
        )

    def test_visitor_requests_a_birth_certificate_and_follows_it(self):
        step = self._start()
        self.assertEqual(step.status_code, 200, step.text[:2000])
        draft = self._request_of()
        self.assertEqual(draft.state, "draft")
        self.assertIn(f"access_token={draft.access_token}", step.url)
        summary = self.submit_form(
            step,
            "o_teleservice_step_form",
            {
                f"field_{self.birth.field_ids[0].id}": "Visiteuse",
                f"field_{self.birth.field_ids[1].id}": "1990-02-03",
            },
        )
        self.assertEqual(summary.status_code, 200, summary.text[:2000])
        self.assertIn("/recapitulatif", summary.url)
        self.assertIn("Visiteuse", summary.text)
        sent = self.submit_form(summary, "o_teleservice_submit_form")
        self.assertEqual(sent.status_code, 200, sent.text[:2000])
        self.assertEqual(draft.state, "pending")
        self.assertIn(draft.name, sent.text)
        self.assertIn(draft.tracking_code, sent.text)
        mails = self.env["mail.mail"].search(
            [("model", "=", "collectivite.request"), ("res_id", "=", draft.id)]
        )
        # The tracking e-mail and the acknowledgement: both lead to the private
        # follow-up link, never to the account pages the visitor does not have.
        self.assertEqual(len(mails), 2)
        self.assertTrue(any(draft.tracking_code in mail.body_html for mail in mails))
        link = f"/demarches/suivi/{draft.id}?access_token={draft.access_token}"
        for mail in mails:
            self.assertIn(link, mail.body_html)
            self.assertNotIn("/my/demandes", mail.body_html)
        followed = self.url_open(f"/demarches/suivi/{draft.id}?access_token={draft.access_token}")
        self.assertEqual(followed.status_code, 200)
        self.assertIn(draft.name, followed.text)
        self.assertIn("En attente", followed.text)

    def test_guessed_token_or_code_reveals_nothing(self):
        self._start()
        draft = self._request_of()
        self.authenticate(None, None)
        for url in (
            f"/demarches/suivi/{draft.id}?access_token=guessed",
            f"/demarches/suivi/{draft.id}",
            f"/demarches/suivi/{draft.id + 1000}?access_token={draft.access_token}",
            # A draft is not followed, a request is not edited, through the token.
            f"/demarches/suivi/{draft.id}?access_token={draft.access_token}",
            f"/demarches/brouillon/{draft.id}/etape/0?access_token=guessed",
        ):
            with self.subTest(url=url):
                answer = self.url_open(url)
                self.assertEqual(answer.status_code, 404)
                self.assertNotIn("Visiteuse", answer.text)
        # A citizen's own request is never reached by a visitor's token path.
        citizen_draft = self.env["collectivite.request"].create(
            {
                "teleservice_id": self.canteen.id,
                "channel": "portal",
                "requester_id": self.citizen_a.partner_id.id,
                "household_id": self.household_a.id,
            }
        )
        citizen_draft._portal_ensure_token()
        answer = self.url_open(
            f"/demarches/brouillon/{citizen_draft.id}/etape/0?access_token={citizen_draft.access_token}"
        )
        self.assertEqual(answer.status_code, 404)

    def test_follow_by_tracking_code_needs_the_email_too(self):
        self._start()
        draft = self._request_of()
        draft.value_ids[0].value_char = "Visiteuse"
        draft.value_ids[1].value_date = "1990-02-03"
        draft.action_submit()
        page = self.url_open("/demarches/suivi")
        self.assertEqual(page.status_code, 200)
        for changes in (
            {"number": draft.name, "code": draft.tracking_code, "email": "autre@example.org"},
            {"number": draft.name, "code": "AAAAAAAAAA", "email": "visiteur@example.org"},
            {"number": "DEM-0000", "code": draft.tracking_code, "email": "visiteur@example.org"},
            {"number": draft.name, "code": "x\x00" * 300, "email": "visiteur@example.org"},
        ):
            with self.subTest(changes=changes["email"] + changes["code"][:3]):
                answer = self.submit_form(page, "o_teleservice_tracking_form", changes)
                self.assertEqual(answer.status_code, 404)
                self.assertIn("Aucune demande ne correspond", answer.text)
                self.assertNotIn("Jeanne", answer.text)
        found = self.submit_form(
            page,
            "o_teleservice_tracking_form",
            {
                "number": draft.name,
                "code": draft.tracking_code.lower(),
                "email": "Visiteur@example.org",
            },
        )
        self.assertEqual(found.status_code, 200)
        self.assertIn(f"/demarches/suivi/{draft.id}?access_token=", found.url)

    def test_submissions_are_limited_per_address(self):
        self.env["ir.config_parameter"].set_param("teleservice_requests.anonymous_rate_limit", "2")
        self._start("un@example.org")
        self._start("deux@example.org")
        refused = self._start("trois@example.org")
        self.assertEqual(refused.status_code, 400)
        self.assertIn("Trop de demandes", refused.text)
        self.assertFalse(self._request_of("trois@example.org"))

    def test_bad_visitor_input_is_refused_in_french(self):
        for name, email, message in (
            ("", "a@example.org", "Saisissez votre nom"),
            ("Jeanne\x00", "a@example.org", "Saisissez votre nom"),
            ("Jeanne", "pas-une-adresse", "adresse e-mail valide"),
        ):
            with self.subTest(name=name, email=email):
                self.authenticate(None, None)
                page = self.url_open(f"/demarches/{self.birth.id}")
                answer = self.submit_form(
                    page,
                    "o_teleservice_anonymous_form",
                    {"visitor_name": name, "visitor_email": email},
                )
                self.assertEqual(answer.status_code, 400)
                self.assertIn(message, answer.text)
        self.assertFalse(
            self.env["collectivite.request"].search([("teleservice_id", "=", self.birth.id)])
        )
        # A visitor cannot start a procedure needing an account.
        answer = self.url_open(
            f"/demarches/{self.canteen.id}/sans-compte",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "visitor_name": "X",
                "visitor_email": "x@example.org",
            },
        )
        self.assertEqual(answer.status_code, 404)

    def test_logged_in_citizen_gets_prefilled_birth_certificate(self):
        self.login(self.citizen_a)
        page = self.url_open(f"/demarches/{self.birth.id}")
        step = self.submit_form(
            page, "o_teleservice_start_form", {"subject_id": str(self.citizen_a.partner_id.id)}
        )
        self.assertEqual(step.status_code, 200)
        _action, values, _tree = read_form(step.text, "o_teleservice_step_form")
        self.assertEqual(values[f"field_{self.birth.field_ids[0].id}"], ["Dupuis"])
        self.assertEqual(values[f"field_{self.birth.field_ids[1].id}"], ["1980-01-31"])
