from types import SimpleNamespace

from odoo.fields import Command
from odoo.tests import BaseCase

from ..tools import household_address, m2m_added_ids


class TestTools(BaseCase):
    """The plain helpers, without a database."""

    def test_m2m_added_ids(self):
        self.assertEqual(m2m_added_ids(None), [])
        self.assertEqual(m2m_added_ids([3, 4]), [3, 4])
        commands = [Command.link(1), Command.set([2, 3]), Command.unlink(4), Command.create({})]
        self.assertEqual(m2m_added_ids(commands), [1, 2, 3])

    def test_household_address(self):
        household = SimpleNamespace(
            street_number="2", street="rue Victor Hugo", street2=False, zip="95300", city="Pontoise"
        )
        self.assertEqual(household_address(household), "2 rue Victor Hugo\n95300 Pontoise")
        household.street_number = False
        household.street2 = "Bâtiment B"
        self.assertEqual(
            household_address(household), "rue Victor Hugo\nBâtiment B\n95300 Pontoise"
        )
