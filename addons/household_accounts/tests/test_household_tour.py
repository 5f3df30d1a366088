from odoo.tests import HttpCase, tagged

from .common import HouseholdCaseMixin


@tagged("post_install", "-at_install")
class TestHouseholdTour(HouseholdCaseMixin, HttpCase):
    """In Chromium: the citizen's “Mon foyer” edit flow, the agent's counter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()
        # start_tour logs in with the login as password.
        cls.citizen_a.password = cls.citizen_a.login

    def test_my_household_edit_flow(self):
        self.start_tour(
            "/my/household", "household_accounts_my_household", login=self.citizen_a.login
        )
        change = self.household_a.pending_change_id
        self.assertEqual(change.household_values, {"phone": "01 34 00 00 00"})
        self.assertFalse(self.household_a.phone)

    def test_counter_creation_and_validation(self):
        self.agent.password = self.agent.login
        self.start_tour(
            "/odoo/action-household_accounts.collectivite_household_action_counter",
            "household_accounts_counter",
            login=self.agent.login,
        )
        household = self.env["collectivite.household"].search(
            [("responsible_name", "=", "Lucas Moulin")]
        )
        self.assertEqual(household.state, "valid")
        self.assertEqual(household.member_ids.company_id, self.company)
