from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.markers import server_marks

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
        self.authenticate("test.requester1@example.org", "test.requester1@example.org")
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
        self.authenticate("test.requester2@example.org", "test.requester2@example.org")
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

    def test_requester_opens_qualified_ticket(self):
        self.authenticate("test.requester1@example.org", "test.requester1@example.org")
        page = self.url_open("/new/ticket")
        self.assertEqual(page.status_code, 200)
        self.assertIn('name="is_blocking"', page.text)
        company = self.env.company
        company.helpdesk_mgmt_portal_select_team = True
        self.resotic.team_id.show_in_portal = True
        response = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Serveur de fichiers arrêté",
                "description": "Plus rien ne fonctionne.",
                "team": str(self.resotic.team_id.id),
                "impact": "low",
                "is_blocking": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Serveur de fichiers arrêté")])
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.sla_contract_id, self.resotic)
        self.assertTrue(ticket.date_sla_deadline)

    def test_non_referent_gets_readable_page(self):
        referent = self.env["res.partner"].create(
            {"name": "Rose Référente", "parent_id": self.organisation.id}
        )
        self.webrsa.write(
            {"partner_ids": [(4, self.organisation.id)], "referent_ids": [(4, referent.id)]}
        )
        self.env.company.helpdesk_mgmt_portal_select_team = True
        self.webrsa.team_id.show_in_portal = True
        self.authenticate("test.requester1@example.org", "test.requester1@example.org")
        count = self.env["helpdesk.ticket"].search_count([])
        response = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Question sur un dossier",
                "description": "Bonjour",
                "team": str(self.webrsa.team_id.id),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Rose Référente", response.text)
        self.assertIn("Question sur un dossier", response.text)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)

    def _closed_ticket(self, days_ago):
        stage_done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.ticket.with_user(self.agent).write({"stage_id": stage_done.id})
        closed = fields.Datetime.now() - timedelta(days=days_ago)
        with server_marks("sla_internal"):
            self.ticket.write({"closed_date": closed})

    def test_requester_rates_within_days(self):
        self._closed_ticket(days_ago=3)
        self.authenticate("test.requester1@example.org", "test.requester1@example.org")
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertIn('name="rating"', page.text)
        response = self.url_open(
            f"/my/ticket/{self.ticket.id}/remark",
            data={"csrf_token": http.Request.csrf_token(self), "rating": "4", "remark": "Merci"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.ticket.sla_rating, "4")
        self.assertEqual(self.ticket.sla_remark, "Merci")

    def test_requester_rating_too_late_refused(self):
        self._closed_ticket(days_ago=9)
        self.authenticate("test.requester1@example.org", "test.requester1@example.org")
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertNotIn('name="rating"', page.text)
        response = self.url_open(
            f"/my/ticket/{self.ticket.id}/remark",
            data={"csrf_token": http.Request.csrf_token(self), "rating": "1", "remark": "Tard"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("8", response.text)
        self.assertIn("sla_remark", response.text)
        self.assertFalse(self.ticket.sla_rating)

    def test_other_requester_cannot_rate(self):
        self._closed_ticket(days_ago=1)
        self.authenticate("test.requester2@example.org", "test.requester2@example.org")
        self.url_open(
            f"/my/ticket/{self.ticket.id}/remark",
            data={"csrf_token": http.Request.csrf_token(self), "rating": "1"},
        )
        self.assertFalse(self.ticket.sla_rating)
