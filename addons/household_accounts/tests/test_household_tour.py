from odoo.tests import HttpCase, tagged

from .common import HouseholdCaseMixin


@tagged("post_install", "-at_install")
class TestHouseholdTour(HouseholdCaseMixin, HttpCase):
    """The citizen's “Mon foyer” edit flow in Chromium."""

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
