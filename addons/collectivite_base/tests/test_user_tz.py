from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUserTimeZone(TransactionCase):
    """New users live in their collectivité's time zone, not in UTC nor in the time
    zone of the browser of whoever creates them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Calendar = cls.env["resource.calendar"]
        cls.paris = Calendar.create({"name": "Mairie (Paris)", "tz": "Europe/Paris"})
        cls.reunion = Calendar.create({"name": "Mairie (La Réunion)", "tz": "Indian/Reunion"})
        cls.company = cls.env["res.company"].create(
            {"name": "Commune de Fuseau", "collectivite_calendar_id": cls.paris.id}
        )
        cls.overseas = cls.env["res.company"].create(
            {"name": "Commune d'outre-mer", "collectivite_calendar_id": cls.reunion.id}
        )
        cls.admin = new_test_user(
            cls.env,
            login="tz_admin",
            groups="base.group_system,base.group_partner_manager",
            tz="America/New_York",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.overseas).ids)],
        )

    def test_created_user_gets_the_company_tz(self):
        Users = self.env["res.users"].with_user(self.admin).with_context(tz="America/New_York")
        user = Users.create(
            {
                "name": "Agent Fuseau",
                "login": "tz_agent",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        self.assertEqual(user.tz, "Europe/Paris")
        overseas = Users.create(
            {
                "name": "Agent Réunion",
                "login": "tz_agent_reunion",
                "company_id": self.overseas.id,
                "company_ids": [Command.set(self.overseas.ids)],
            }
        )
        self.assertEqual(overseas.tz, "Indian/Reunion")

    def test_explicit_tz_is_kept(self):
        user = (
            self.env["res.users"]
            .with_user(self.admin)
            .create(
                {
                    "name": "Agent Voyageur",
                    "login": "tz_traveller",
                    "tz": "Europe/London",
                    "company_id": self.company.id,
                    "company_ids": [Command.set(self.company.ids)],
                }
            )
        )
        self.assertEqual(user.tz, "Europe/London")

    def test_user_of_an_existing_partner_without_tz(self):
        """A portal invitation or a sign-up makes a user for an existing partner."""
        partner = self.env["res.partner"].create({"name": "Habitante Sans Fuseau", "tz": False})
        user = (
            self.env["res.users"]
            .with_user(self.admin)
            .create(
                {
                    "partner_id": partner.id,
                    "login": "tz_citizen",
                    "company_id": self.company.id,
                    "company_ids": [Command.set(self.company.ids)],
                    "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
                }
            )
        )
        self.assertEqual(user.tz, "Europe/Paris")
        self.assertEqual(partner.tz, "Europe/Paris")

    def test_form_default(self):
        """The user form opens with the current company's time zone."""
        Users = (
            self.env["res.users"]
            .with_user(self.admin)
            .with_company(self.overseas)
            .with_context(tz="America/New_York")
        )
        self.assertEqual(Users.default_get(["tz"])["tz"], "Indian/Reunion")
