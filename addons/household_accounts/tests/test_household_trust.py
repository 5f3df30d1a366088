from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import HouseholdCaseMixin


@tagged("post_install", "-at_install")
class TestHouseholdTrust(HouseholdCaseMixin, HttpCase):
    """What agents, citizens and anonymous visitors may do to partners and invitations,
    over JSON-RPC as the web client calls the server, with the context keys it sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()
        Partner = cls.env["res.partner"]
        # A customer organisation of the support desk and its référent: no household.
        cls.organisation = Partner.create({"name": "Syndicat des eaux", "is_company": True})
        cls.referent = Partner.create(
            {
                "name": "Régis Référent",
                "parent_id": cls.organisation.id,
                "email": "regis.referent@syndicat.example.org",
            }
        )
        # A requester of the commune, without company nor household.
        cls.requester = Partner.create(
            {"name": "Louis Requérant", "email": "louis.requerant@example.org"}
        )
        cls.agent_contacts = new_test_user(
            cls.env,
            login="h_agent_contacts",
            password="h_agent_contacts_pw",
            groups="collectivite_base.collectivite_group_agent,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.counter_household = cls.create_household(
            "Hervé", "Léger", email="herve.leger@example.org"
        )
        cls.counter_household.email = "herve.leger@example.org"

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pw")

    def assertRpcRefused(self, result, message=None):
        self.assertIn("error", result, result.get("result"))
        if message:
            self.assertIn(message, result["error"]["data"]["message"])

    def _snapshot(self, partners):
        return partners.read(["name", "email", "household_id", "household_role", "company_id"])

    def test_agent_changes_only_members_of_their_collectivite(self):
        watched = self.referent | self.requester | self.organisation
        before = self._snapshot(watched)
        count = self.env["res.partner"].search_count([])
        self._login(self.agent)
        for partner in watched:
            with self.subTest(partner=partner.name):
                result = self.call_kw(
                    "res.partner", "write", [partner.ids, {"email": "agent@pontoise.example.org"}]
                )
                self.assertRpcRefused(result)
        self.assertRpcRefused(
            self.call_kw("res.partner", "create", [{"name": "Contact de l'agent"}])
        )
        self.assertEqual(self._snapshot(watched), before)
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        # A member of one of their households: allowed.
        result = self.call_kw("res.partner", "write", [self.child_a.ids, {"firstname": "Zoé-Lou"}])
        self.assertTrue(result.get("result"), result)
        self.assertEqual(self.child_a.name, "Zoé-Lou Dupuis")

    def test_agent_of_another_commune_changes_none_of_its_partners(self):
        before = self._snapshot(self.requester | self.child_a)
        self._login(self.other_agent)
        for partner in self.requester | self.child_a:
            with self.subTest(partner=partner.name):
                result = self.call_kw("res.partner", "write", [partner.ids, {"phone": "0000"}])
                self.assertRpcRefused(result)
        self.assertRpcRefused(
            self.call_kw(
                "res.partner",
                "create",
                [
                    {
                        "firstname": "Intrus",
                        "lastname": "Cergy",
                        "household_role": "child",
                        "household_id": self.household_a.id,
                    }
                ],
            )
        )
        self.assertEqual(self._snapshot(self.requester | self.child_a), before)
        self.assertEqual(len(self.household_a.member_ids), 2)

    def test_agent_cannot_pull_a_contact_into_a_household(self):
        count = self.env["collectivite.household"].search_count([])
        before = self._snapshot(self.referent | self.household_a.member_ids)
        self._login(self.agent)
        new_household = {
            "street": "rue des Écoles",
            "zip": "95300",
            "city": "Pontoise",
            "email": "agent@pontoise.example.org",
            "member_ids": [Command.link(self.referent.id)],
        }
        cases = [
            ("create", [new_household]),
            ("write", [self.household_a.ids, {"member_ids": [Command.link(self.referent.id)]}]),
            ("write", [self.household_a.ids, {"responsible_id": self.referent.id}]),
        ]
        for method, args in cases:
            with self.subTest(method=method, args=args[-1]):
                self.assertRpcRefused(self.call_kw("collectivite.household", method, args))
        self.assertEqual(self.env["collectivite.household"].search_count([]), count)
        self.assertEqual(self._snapshot(self.referent | self.household_a.member_ids), before)
        self.assertEqual(self.household_a.responsible_id, self.citizen_a.partner_id)

    def test_contact_manager_cannot_pull_a_contact_either(self):
        """Odoo's “Contact Creation” group keeps its rights on contacts; a household
        still refuses an organisation, its contacts and people with an account."""
        lonely = new_test_user(self.env, login="h_lonely_portal", groups="base.group_portal")
        count = self.env["collectivite.household"].search_count([])
        self._login(self.agent_contacts)
        cases = [
            (self.organisation, "is an organisation"),
            (self.referent, "is a contact of Syndicat des eaux"),
            (lonely.partner_id, "already has a user account"),
        ]
        for partner, message in cases:
            with self.subTest(partner=partner.name):
                result = self.call_kw(
                    "collectivite.household",
                    "create",
                    [
                        {
                            "street": "rue des Écoles",
                            "zip": "95300",
                            "city": "Pontoise",
                            "email": partner.email or "x@example.org",
                            "member_ids": [Command.link(partner.id)],
                        }
                    ],
                )
                self.assertRpcRefused(result, message)
                self.assertFalse(partner.household_id)
        self.assertEqual(self.env["collectivite.household"].search_count([]), count)
        # Its Odoo rights on contacts are unchanged.
        result = self.call_kw("res.partner", "write", [self.requester.ids, {"phone": "01 02"}])
        self.assertTrue(result.get("result"), result)

    def test_invitation_goes_to_a_member_at_the_household_email(self):
        household = self.counter_household
        responsible = household.responsible_id
        # The agent wrote their own address on the responsible only: refused.
        responsible.email = "agent@pontoise.example.org"
        self._login(self.agent)
        result = self.call_kw(
            "collectivite.household", "action_invite_responsible", [household.ids]
        )
        self.assertRpcRefused(result, "herve.leger@example.org")
        self.assertFalse(responsible.with_context(active_test=False).user_ids)
        # Another commune's agent, a citizen: refused.
        responsible.email = "herve.leger@example.org"
        for user in (self.other_agent, self.citizen_a):
            with self.subTest(user=user.login):
                self._login(user)
                result = self.call_kw(
                    "collectivite.household", "action_invite_responsible", [household.ids]
                )
                self.assertRpcRefused(result)
                self.assertFalse(responsible.with_context(active_test=False).user_ids)
        # The household's member at the household's address: invited.
        self._login(self.agent)
        result = self.call_kw(
            "collectivite.household", "action_invite_responsible", [household.ids]
        )
        self.assertTrue(result.get("result"), result)
        user = responsible.user_ids
        self.assertTrue(user._is_portal())
        self.assertEqual(user.login, "herve.leger@example.org")
        self.assertEqual(user.company_id, household.company_id)

    def test_invitation_refuses_a_household_of_another_commune(self):
        household = self.create_household(
            "Nadia", "Roussel", company=self.other_company, email="nadia.roussel@example.org"
        )
        household.email = "nadia.roussel@example.org"
        self._login(self.agent)
        result = self.call_kw(
            "collectivite.household", "action_invite_responsible", [household.ids]
        )
        self.assertRpcRefused(result)
        self.assertFalse(household.responsible_id.with_context(active_test=False).user_ids)

    def test_client_context_cannot_skip_the_single_responsible_check(self):
        """``household_member_batch`` is the server's own marker: sent by a client, ignored."""
        self._login(self.agent)
        context = {"household_member_batch": True}
        result = self.call_kw(
            "res.partner",
            "write",
            [self.child_a.ids, {"household_role": "responsible"}],
            context=context,
        )
        self.assertRpcRefused(result, "several responsible adults")
        result = self.call_kw(
            "res.partner",
            "create",
            [
                {
                    "firstname": "Marc",
                    "lastname": "Dupuis",
                    "household_role": "responsible",
                    "household_id": self.household_a.id,
                }
            ],
            context=context,
        )
        self.assertRpcRefused(result, "several responsible adults")
        self.assertEqual(self.child_a.household_role, "child")
        self.assertEqual(len(self.household_a.member_ids), 2)
        self.assertEqual(self.household_a.responsible_id, self.citizen_a.partner_id)
        # The household's own write still swaps roles in one go.
        result = self.call_kw(
            "collectivite.household",
            "write",
            [self.household_a.ids, {"responsible_id": self.child_a.id}],
            context=context,
        )
        self.assertTrue(result.get("result"), result)
        self.assertEqual(self.household_a.responsible_id, self.child_a)

    def test_citizen_and_visitor_change_no_partner(self):
        before = self._snapshot(self.child_a | self.referent)
        self._login(self.citizen_a)
        for partner in self.child_a | self.referent:
            with self.subTest(partner=partner.name):
                result = self.call_kw("res.partner", "write", [partner.ids, {"phone": "0000"}])
                self.assertRpcRefused(result)
        self.authenticate(None, None)
        result = self.call_kw("res.partner", "write", [self.child_a.ids, {"phone": "0000"}])
        self.assertRpcRefused(result)
        self.assertEqual(self._snapshot(self.child_a | self.referent), before)
