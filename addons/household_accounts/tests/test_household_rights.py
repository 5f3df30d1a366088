from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .common import HouseholdCaseMixin


@tagged("post_install", "-at_install")
class TestHouseholdRights(HouseholdCaseMixin, TransactionCase):
    """Agents read and write, managers archive, administrators delete, citizens read theirs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()
        cls.household_other = cls.create_household(
            "Nadia", "Roussel", company=cls.other_company, email="nadia.roussel@example.org"
        )

    def test_agent_reads_writes_creates_but_does_not_delete(self):
        household = self.household_a.with_user(self.agent)
        household.write({"phone": "01 30 30 30 30"})
        self.assertEqual(household.phone, "01 30 30 30 30")
        self.child_a.with_user(self.agent).write({"firstname": "Zoé-Lise"})
        self.assertEqual(self.child_a.name, "Zoé-Lise Dupuis")
        self.assertIn("Zoé-Lise", " ".join(self.household_a.message_ids.mapped("body")))
        with self.assertRaises(AccessError):
            household.unlink()
        self.assertTrue(household.exists())

    def test_back_office_views_load_for_each_role(self):
        for user in (self.agent, self.manager, self.admin):
            for model in ("collectivite.household", "collectivite.household.change"):
                with self.subTest(user=user.login, model=model):
                    views = (
                        self.env[model]
                        .with_user(user)
                        .get_views([(False, "list"), (False, "form"), (False, "search")])
                    )
                    self.assertEqual(set(views["views"]), {"list", "form", "search"})
            kanban = (
                self.env["collectivite.household"].with_user(user).get_views([(False, "kanban")])
            )
            self.assertIn("kanban", kanban["views"])
            menu = self.env.ref("household_accounts.collectivite_household_menu_root")
            visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            self.assertIn(menu.id, visible)

    def test_agent_sees_only_their_collectivite(self):
        Household = self.env["collectivite.household"].with_user(self.agent)
        found = Household.search([("responsible_name", "ilike", "Roussel")])
        self.assertFalse(found)
        with self.assertRaises(AccessError):
            self.household_other.with_user(self.agent).read(["name"])
        with self.assertRaises(AccessError):
            self.household_other.responsible_id.with_user(self.agent).read(["name"])
        other = self.env["collectivite.household"].with_user(self.other_agent)
        self.assertEqual(other.search([]), self.household_other)

    def test_manager_of_both_collectivites(self):
        Household = self.env["collectivite.household"].with_user(self.manager)
        Household = Household.with_context(
            allowed_company_ids=(self.company | self.other_company).ids
        )
        self.assertIn(self.household_other, Household.search([]))
        with self.assertRaises(AccessError):
            self.household_a.with_user(self.manager).unlink()

    def test_admin_deletes(self):
        household = self.create_household("Paul", "Henry", email="paul.henry@example.org")
        member = household.responsible_id
        household.with_user(self.admin).unlink()
        self.assertFalse(household.exists())
        self.assertFalse(member.household_id)

    def test_citizen_reads_only_their_household(self):
        Household = self.env["collectivite.household"].with_user(self.citizen_a)
        self.assertEqual(Household.search([]), self.household_a)
        self.household_a.with_user(self.citizen_a).read(["name", "member_ids"])
        self.child_a.with_user(self.citizen_a).read(["name", "birthdate"])
        with self.assertRaises(AccessError):
            self.household_b.with_user(self.citizen_a).read(["name"])
        with self.assertRaises(AccessError):
            self.member_b.with_user(self.citizen_a).read(["name"])
        with self.assertRaises(AccessError):
            self.household_a.with_user(self.citizen_a).write({"phone": "00"})
        with self.assertRaises(AccessError):
            self.household_a.with_user(self.citizen_a).action_validate()
        self.assertEqual(self.household_a.state, "valid")

    def test_citizen_change_of_another_household_is_refused(self):
        with self.assertRaises(AccessError):
            self.household_b.with_user(self.citizen_a)._portal_submit_change({"city": "Osny"})
        self.assertEqual(self.household_b.city, "Pontoise")
        self.assertFalse(self.household_b.change_ids)

    def test_citizen_without_household_reads_no_partner_of_households(self):
        lonely = new_test_user(self.env, login="h_lonely", groups="base.group_portal")
        Partner = self.env["res.partner"].with_user(lonely)
        self.assertFalse(Partner.search([("household_id", "!=", False)]))
        self.assertFalse(self.env["collectivite.household"].with_user(lonely).search([]))

    def test_agent_accepts_pending_change(self):
        change = self.household_a.with_user(self.citizen_a)._portal_submit_change(
            {"phone": "01 99 99 99 99"},
            [
                {
                    "id": 0,
                    "firstname": "Léon",
                    "lastname": "Dupuis",
                    "birthdate": "2024-01-10",
                    "household_role": "child",
                }
            ],
        )
        self.assertEqual(self.household_a.phone, False)
        self.assertIn("Léon", change.summary)
        self.household_a.with_user(self.agent).action_accept_pending_change()
        self.assertEqual(change.state, "accepted")
        self.assertEqual(change.decision_user_id, self.agent)
        self.assertEqual(self.household_a.phone, "01 99 99 99 99")
        self.assertIn("Léon Dupuis", self.household_a.member_ids.mapped("name"))
        self.assertFalse(self.household_a.has_pending_change)

    def test_agent_refuses_pending_change(self):
        change = self.household_a.with_user(self.citizen_a)._portal_submit_change(
            {"city": "Cergy", "zip": "95000"}
        )
        action = change.with_user(self.agent).action_open_refuse_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({"reason": "Fournissez un justificatif de domicile à Cergy."})
        )
        wizard.action_confirm()
        self.assertEqual(change.state, "refused")
        self.assertEqual(self.household_a.city, "Pontoise")
        with self.assertRefusal(UserError, "cannot go from"):
            change.with_user(self.agent).action_accept()
        self.assertEqual(self.household_a.city, "Pontoise")

    def test_agent_searches_by_member_name_and_number(self):
        Household = self.env["collectivite.household"].with_user(self.agent)
        self.assertIn(self.household_a, Household.search([("member_lastnames", "ilike", "upui")]))
        self.assertIn(self.household_a, Household.search([("member_firstnames", "ilike", "zoé")]))
        self.assertEqual(
            Household.search([("name", "ilike", self.household_a.name)]), self.household_a
        )
        self.child_a.with_user(self.agent).write({"lastname": "Marchal"})
        self.assertIn(
            self.household_a, Household.search([("member_lastnames", "ilike", "marchal")])
        )
        self.assertNotIn(
            self.household_b, Household.search([("member_lastnames", "ilike", "marchal")])
        )
        responsibles = (
            self.env["res.partner"]
            .with_user(self.agent)
            .search(
                [
                    ("household_id", "in", (self.household_a | self.household_b).ids),
                    ("household_role", "=", "responsible"),
                ]
            )
        )
        self.assertEqual(responsibles, self.household_a.responsible_id | self.member_b)

    def test_agent_invites_responsible_of_counter_household(self):
        household = self.create_household("Hervé", "Léger", email="herve.leger@example.org")
        # The invitation goes to the e-mail address the household gave.
        household.email = "herve.leger@example.org"
        household = household.with_user(self.agent)
        self.assertFalse(household.responsible_has_user)
        with self.assertRaises(AccessError):
            household.with_user(self.citizen_a).action_invite_responsible()
        household.action_invite_responsible()
        user = household.responsible_id.user_ids
        self.assertTrue(user._is_portal())
        self.assertEqual(user.login, "herve.leger@example.org")
        self.assertTrue(household.responsible_has_user)
        with self.assertRefusal(UserError, "already has an account"):
            household.action_invite_responsible()
        # The new citizen reads their household.
        self.assertEqual(self.env["collectivite.household"].with_user(user).search([]), household)

    def test_invitation_needs_an_email(self):
        household = self.create_household("Lou", "Sans-Courriel").with_user(self.agent)
        with self.assertRefusal(UserError, "email address first"):
            household.action_invite_responsible()
        self.assertFalse(household.responsible_id.user_ids)

    def test_members_follow_their_household_to_another_collectivite(self):
        household = self.create_household("Yves", "Mercier", email="yves.mercier@example.org")
        child = self.env["res.partner"].create(
            {
                "firstname": "Lise",
                "lastname": "Mercier",
                "household_role": "child",
                "household_id": household.id,
            }
        )
        household.with_user(self.manager).with_context(
            allowed_company_ids=(self.company | self.other_company).ids
        ).company_id = self.other_company
        self.assertEqual(household.member_ids.company_id, self.other_company)
        Household = self.env["collectivite.household"].with_user(self.other_agent)
        self.assertIn(household, Household.search([]))
        child.with_user(self.other_agent).read(["name"])
        self.assertNotIn(
            household, self.env["collectivite.household"].with_user(self.agent).search([])
        )

    def test_settings_open_the_signup_of_the_current_collectivite(self):
        system = new_test_user(
            self.env,
            login="h_system",
            groups="base.group_system,collectivite_base.collectivite_group_admin",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | self.other_company).ids)],
        )
        self.assertFalse(self.other_company.household_signup_open)
        before = self.company.household_signup_open
        settings = self.env["res.config.settings"].with_user(system)
        form = Form(settings.with_company(self.other_company))
        self.assertFalse(form.household_signup_open)
        form.household_signup_open = True
        form.save().execute()
        self.assertTrue(self.other_company.household_signup_open)
        self.assertEqual(self.company.household_signup_open, before)
        # An agent cannot open or close it.
        with self.assertRaises(AccessError):
            self.other_company.with_user(self.other_agent).household_signup_open = False
        self.assertTrue(self.other_company.household_signup_open)
