"""The citizen portal's pages in Chromium with axe-core: no violation of impact serious or
critical (issue #12), as the demo's citizen and as an anonymous visitor.

Pages of the tours: "Mon foyer" (household_accounts' portal tour), the sign-up, the tickets.
"""

from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.tests.accessibility import AccessibilityMixin

CITIZEN = "camille.martin@example.org"


@tagged("post_install", "-at_install")
class TestPortalAccessibility(AccessibilityMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen = cls.env["res.users"].search([("login", "=", CITIZEN)])
        cls.household = cls.citizen.partner_id.household_id
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Lampadaire éteint rue de la Gare",
                "description": "<p>Le lampadaire devant le numéro 12 ne s'allume plus.</p>",
                "partner_id": cls.citizen.partner_id.id,
                "partner_email": cls.citizen.partner_id.email,
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
            login=CITIZEN,
        )

    def test_public_signup_pages(self):
        self.assertAccessible("/household/signup", "/web/signup", "/web/login")
