from odoo.tests import HttpCase, tagged

from .common import SlaCaseMixin, paris


@tagged("post_install", "-at_install")
class TestSlaPortal(SlaCaseMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.ticket = (
            cls.env["helpdesk.ticket"]
            .with_user(cls.agent)
            .create(
                cls._ticket_vals(
                    cls.resotic,
                    paris(2026, 11, 20, 16, 0),
                    is_blocking=True,
                    notes="<p>NOTE-INTERNE-CONFIDENTIELLE</p>",
                )
            )
        )
        cls.ticket.with_user(cls.agent).message_post(
            body="NOTE-CHATTER-PRIVEE", subtype_xmlid="mail.mt_note", message_type="comment"
        )

    def test_requester_sees_due_date_not_notes(self):
        self.authenticate("camille.martin@example.org", "camille.martin@example.org")
        response = self.url_open("/my/tickets")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.ticket.number, response.text)
        self.assertIn("23/11/2026", response.text.replace("11/23/2026", "23/11/2026"))
        response = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("sla_due_date", response.text)
        self.assertNotIn("NOTE-INTERNE-CONFIDENTIELLE", response.text)
        self.assertNotIn("NOTE-CHATTER-PRIVEE", response.text)

    def test_other_requester_cannot_see(self):
        self.authenticate("karim.benali@example.org", "karim.benali@example.org")
        response = self.url_open("/my/tickets")
        self.assertNotIn(self.ticket.number, response.text)
        response = self.url_open(f"/my/ticket/{self.ticket.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn(f"/my/ticket/{self.ticket.id}", response.headers.get("Location", ""))

    def test_bad_token_refused(self):
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/ticket/{self.ticket.id}?access_token=not-a-token", allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
