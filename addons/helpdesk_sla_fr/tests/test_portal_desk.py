"""Issue 11: the support desk's portal is for the requesters of a service
contract; a resident of the commune gets neither the IT-support form, nor the
ticket list, nor the entry on the portal's home."""

import json

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SlaCaseMixin
from .test_bad_input import form_values

RESIDENT = "test.resident@example.org"
REQUESTER = "test.contract.requester@example.org"
FOLLOWER = "test.follower@example.org"


@tagged("post_install", "-at_install")
class TestPortalDesk(SlaCaseMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.env.company.helpdesk_mgmt_portal_select_team = True
        cls.resotic.team_id.show_in_portal = True
        # A customer organisation of RESOTIC and one of its users.
        cls.college = cls.env["res.partner"].create(
            {"name": "Collège des Tilleuls", "is_company": True}
        )
        cls.resotic.write({"partner_ids": [(4, cls.college.id)]})
        cls.contract_requester = new_test_user(
            cls.env, login=REQUESTER, name="Paul Principal", groups="base.group_portal"
        )
        cls.contract_requester.partner_id.parent_id = cls.college
        # A resident of the commune: a portal user under no contract.
        cls.resident = new_test_user(
            cls.env, login=RESIDENT, name="Rémi Résident", groups="base.group_portal"
        )
        # Someone for whom the desk logged a ticket (a phone call), under no contract.
        cls.follower = new_test_user(
            cls.env, login=FOLLOWER, name="Fanny Appelante", groups="base.group_portal"
        )
        cls.followed_ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Appel au sujet d'un poste bloqué",
                "description": "<p>Appel reçu à l'accueil.</p>",
                "partner_id": cls.follower.partner_id.id,
            }
        )

    def _count(self):
        return self.env["helpdesk.ticket"].sudo().search_count([])

    def _counters(self):
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": ["ticket_count"]}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()["result"]

    def test_resident_has_no_support_desk(self):
        self.authenticate(RESIDENT, RESIDENT)
        for url in ("/new/ticket", "/my/tickets", "/my/tickets/page/2"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        count = self._count()
        response = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Lampadaire en panne rue des Écoles",
                "description": "Il ne s'allume plus depuis une semaine.",
                "team": str(self.resotic.team_id.id),
            },
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._count(), count)
        self.assertFalse(
            self.env["helpdesk.ticket"].search(
                [("name", "=", "Lampadaire en panne rue des Écoles")]
            )
        )
        home = self.url_open("/my/home")
        self.assertEqual(home.status_code, 200)
        self.assertNotIn('href="/my/tickets"', home.text)
        self.assertNotIn('action="/new/ticket"', home.text)
        self.assertFalse(self._counters().get("ticket_count"))

    def test_contract_requester_uses_the_desk(self):
        self.authenticate(REQUESTER, REQUESTER)
        home = self.url_open("/my/home")
        self.assertIn('href="/my/tickets"', home.text)
        page = self.url_open("/new/ticket")
        self.assertEqual(page.status_code, 200)
        _method, values = form_values(page.text, "/submitted/ticket")
        values.update(
            subject="Messagerie du secrétariat bloquée",
            description="Plus aucun courriel ne part.",
            team=str(self.resotic.team_id.id),
        )
        response = self.url_open("/submitted/ticket", data=values)
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Messagerie du secrétariat bloquée")]
        )
        self.assertEqual(ticket.partner_id, self.contract_requester.partner_id)
        self.assertEqual(ticket.sla_contract_id, self.resotic)
        listing = self.url_open("/my/tickets")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(ticket.number, listing.text)
        self.assertIn('action="/new/ticket"', listing.text)

    def test_referent_uses_the_desk(self):
        referent = new_test_user(
            self.env, login="test.referent@example.org", groups="base.group_portal"
        )
        self.webrsa.write({"referent_ids": [(4, referent.partner_id.id)]})
        self.authenticate("test.referent@example.org", "test.referent@example.org")
        self.assertEqual(self.url_open("/new/ticket").status_code, 200)

    def test_follower_reads_without_the_form(self):
        self.authenticate(FOLLOWER, FOLLOWER)
        listing = self.url_open("/my/tickets")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.followed_ticket.number, listing.text)
        self.assertNotIn('action="/new/ticket"', listing.text)
        self.assertEqual(self.url_open("/new/ticket").status_code, 404)
        self.assertEqual(self._counters().get("ticket_count"), 1)
