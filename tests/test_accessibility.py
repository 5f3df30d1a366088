"""The citizen portal's pages in Chromium with axe-core: no violation of impact serious or
critical (issue #12), as the demo's citizen and as an anonymous visitor.

Pages of the tours: "Mon foyer" (household_accounts' portal tour), the sign-up, the tickets
(as a requester of a service contract: residents have no support desk), the online procedures
(catalogue, form steps, justificatifs, summary, drafts, "Mes demandes", payments, letters, help
and legal pages) and the procedure without an account.
"""

from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.tests.accessibility import AccessibilityMixin

CITIZEN = "camille.martin@example.org"
REQUESTER = "rose.dupuis@example.org"  # référente of a service contract (support desk)


@tagged("post_install", "-at_install")
class TestPortalAccessibility(AccessibilityMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen = cls.env["res.users"].search([("login", "=", CITIZEN)])
        cls.household = cls.citizen.partner_id.household_id
        cls.requester = cls.env["res.users"].search([("login", "=", REQUESTER)])
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Lampadaire éteint rue de la Gare",
                "description": "<p>Le lampadaire devant le numéro 12 ne s'allume plus.</p>",
                "partner_id": cls.requester.partner_id.id,
                "partner_email": cls.requester.partner_id.email,
            }
        )

    def test_demo_data(self):
        self.assertTrue(self.citizen, "the demo data define the citizen %s" % CITIZEN)
        self.assertTrue(self.household, "the demo citizen has a household")

    def test_citizen_household_pages(self):
        member = self.household.member_ids.filtered(
            lambda partner: partner != self.citizen.partner_id
        )
        self.assertTrue(member, "the demo household has another member")
        self.assertAccessible(
            "/my",
            "/my/household",
            f"/my/household/{self.household.id}",
            "/my/household/edit",
            "/my/household/member/new",
            f"/my/household/member/{member[0].id}",
            login=CITIZEN,
        )

    def test_citizen_ticket_pages(self):
        self.assertAccessible(
            "/my/tickets",
            f"/my/ticket/{self.ticket.id}",
            "/new/ticket",
            login=REQUESTER,
        )

    def test_public_signup_pages(self):
        self.assertAccessible("/household/signup", "/web/signup", "/web/login")

    def test_citizen_procedure_pages(self):
        canteen = self.env.ref("teleservice_requests.teleservice_canteen")
        draft = self.env["collectivite.request"].create(
            {
                "teleservice_id": canteen.id,
                "channel": "portal",
                "household_id": self.household.id,
                "requester_id": self.citizen.partner_id.id,
            }
        )
        requests = self.env["collectivite.request"].search(
            [("household_id", "=", self.household.id), ("state", "not in", ("draft",))]
        )
        self.assertTrue(requests, "the demo citizen has requests")
        letter = self.env["collectivite.letter"].search(
            [
                ("request_id.household_id", "=", self.household.id),
                ("means", "in", ("email", "mail")),
            ],
            limit=1,
        )
        urls = [
            "/demarches",
            f"/demarches/{canteen.id}",
            f"/demarches/brouillon/{draft.id}/etape/0",
            f"/demarches/brouillon/{draft.id}/justificatifs",
            f"/demarches/brouillon/{draft.id}/recapitulatif",
            "/my/brouillons",
            "/my/demandes",
            *(f"/my/demandes/{record.id}" for record in requests[:3]),
            "/my/paiements",
            "/my/courriers",
            f"/demarches/aide/{canteen.id}",
            "/mentions-legales",
            "/conditions-utilisation",
        ]
        if letter:
            urls.append(f"/my/courriers/{letter.id}")
        self.assertAccessible(*urls, login=CITIZEN)

    def test_visitor_procedure_pages(self):
        birth = self.env.ref("teleservice_requests.teleservice_birth_certificate")
        self.assertAccessible(
            "/demarches",
            f"/demarches/{birth.id}",
            "/demarches/suivi",
            "/mentions-legales",
        )
