from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CourrierCommon


@tagged("post_install", "-at_install")
class TestCourrierPortal(HttpCase, CourrierCommon):
    """Two citizens, each in their space: their letters and e-mails only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.citizen2 = new_test_user(
            env,
            login="cr_citizen2",
            groups="base.group_portal",
            name="Karim Testeur",
            email="karim.testeur@example.org",
        )
        cls.citizen2.partner_id.write(
            {"household_role": "responsible", "firstname": "Karim", "lastname": "Testeur"}
        )
        cls.household2 = env["collectivite.household"].create(
            {
                "street": "avenue de Paris",
                "street_number": "8",
                "zip": "95000",
                "city": "Cergy",
                "email": "foyer.testeur@example.org",
                "mobile": "+33687654321",
                "member_ids": [Command.link(cls.citizen2.partner_id.id)],
            }
        )
        cls.request2 = cls._request(
            requester_id=cls.citizen2.partner_id.id,
            subject_id=cls.citizen2.partner_id.id,
            household_id=cls.household2.id,
        )
        Letter = env["collectivite.letter"].with_user(cls.user_write)
        plain = env["collectivite.letter.template"].create(
            {
                "name": "Simple (test)",
                "title": "Courrier {{ object.name }}",
                "body_html": '<p>Pour <t t-out="object.name"/>.</p>',
            }
        )
        cls.letter1 = Letter._send(
            cls.request.with_user(cls.user_write),
            "mail",
            template=plain,
            internal_note="Note secrète agents",
        )
        cls.sms1 = Letter._send(cls.request.with_user(cls.user_write), "sms", text="SMS privé")
        cls.letter2 = Letter._send(cls.request2.with_user(cls.user_write), "email", template=plain)

    def test_each_citizen_sees_their_letters(self):
        for login, own, other in (
            ("ts_citizen", self.letter1, self.letter2),
            ("cr_citizen2", self.letter2, self.letter1),
        ):
            with self.subTest(login=login):
                self.authenticate(login, login)
                page = self.url_open("/my/courriers")
                self.assertEqual(page.status_code, 200)
                self.assertIn(own.title, page.text)
                self.assertNotIn(other.title, page.text)
                self.assertNotIn("SMS privé", page.text)
                self.assertNotIn("Note secrète", page.text)
                detail = self.url_open(f"/my/courriers/{own.id}")
                self.assertEqual(detail.status_code, 200)
                self.assertIn(f"Pour {own.request_id.name}.", detail.text)
                self.assertNotIn("Note secrète", detail.text)
                pdf = self.url_open(f"/my/courriers/{own.id}/pdf")
                self.assertEqual(pdf.status_code, 200)
                self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
                self.assertTrue(pdf.content.startswith(b"%PDF"))
                for url in (f"/my/courriers/{other.id}", f"/my/courriers/{other.id}/pdf"):
                    refused = self.url_open(url)
                    self.assertEqual(refused.status_code, 404, url)
                    self.assertNotIn(b"%PDF", refused.content[:10])
                # SMS and calls are not letters of the portal
                self.assertEqual(self.url_open(f"/my/courriers/{self.sms1.id}").status_code, 404)
                # the home page counter
                home = self.url_open("/my")
                self.assertEqual(home.status_code, 200)
                self.assertIn("/my/courriers", home.text)

    def test_request_page_lists_its_letters(self):
        for login, record, own, other in (
            ("ts_citizen", self.request, self.letter1, self.letter2),
            ("cr_citizen2", self.request2, self.letter2, self.letter1),
        ):
            with self.subTest(login=login):
                self.authenticate(login, login)
                page = self.url_open(f"/my/demandes/{record.id}")
                self.assertEqual(page.status_code, 200)
                self.assertIn("o_request_letters", page.text)
                self.assertIn(f'href="/my/courriers/{own.id}"', page.text)
                self.assertNotIn(f'href="/my/courriers/{other.id}"', page.text)
                self.assertNotIn(f'href="/my/courriers/{self.sms1.id}"', page.text)
                self.assertNotIn("Note secrète", page.text)

    def test_anonymous_is_sent_to_login(self):
        response = self.url_open(f"/my/courriers/{self.letter1.id}/pdf", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
