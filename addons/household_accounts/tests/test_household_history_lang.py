from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import HouseholdCaseMixin


@tagged("post_install", "-at_install")
class TestHouseholdHistoryLang(HouseholdCaseMixin, HttpCase):
    """The history the household's code writes is in the collectivité's language, not
    in the language of whoever makes the change (an English-speaking agent, a script)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()
        cls.company.partner_id.lang = "fr_FR"
        cls.other_company.partner_id.lang = "en_US"
        cls.english_agent = new_test_user(
            cls.env,
            login="h_english_agent",
            password="h_english_agent_pw",
            groups="collectivite_base.collectivite_group_agent",
            lang="en_US",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.other_company).ids)],
        )

    def _counter_values(self, company):
        return {
            "street_number": "9",
            "street": "rue des Écoles",
            "zip": "95300",
            "city": "Pontoise",
            "company_id": company.id,
            "member_ids": [
                Command.create(
                    {
                        "firstname": "Lucas",
                        "lastname": "Moulin",
                        "birthdate": "1990-02-02",
                        "household_role": "responsible",
                    }
                ),
                Command.create(
                    {
                        "firstname": "Emma",
                        "lastname": "Moulin",
                        "birthdate": "2020-01-01",
                        "household_role": "child",
                    }
                ),
            ],
        }

    def _bodies(self, household):
        return " ".join(household.sudo().message_ids.mapped("body"))

    def test_counter_household_by_english_agent_over_rpc(self):
        """The web client sends the agent's English context: the history stays French."""
        self.authenticate("h_english_agent", "h_english_agent_pw")
        result = self.call_kw(
            "collectivite.household",
            "create",
            [self._counter_values(self.company)],
            context={"lang": "en_US", "allowed_company_ids": self.company.ids},
        )
        self.assertIn("result", result, result.get("error"))
        household = self.env["collectivite.household"].browse(result["result"])
        bodies = self._bodies(household)
        self.assertIn("Compte foyer créé", bodies)
        self.assertIn("Membre Emma Moulin ajouté au foyer.", bodies)
        self.assertIn("Membre Lucas Moulin ajouté au foyer.", bodies)
        self.assertNotIn("Household account", bodies)
        self.assertNotIn("added to the household", bodies)

        child = household.member_ids.filtered(lambda member: member.firstname == "Emma")
        result = self.call_kw(
            "res.partner",
            "write",
            [child.ids, {"firstname": "Emma-Rose"}],
            context={"lang": "en_US"},
        )
        self.assertIn("result", result, result.get("error"))
        bodies = self._bodies(household)
        self.assertIn("Membre Emma-Rose Moulin, Prénom", bodies)
        self.assertIn("Emma → Emma-Rose", bodies)

    def test_history_follows_the_company_language(self):
        """Same agent, same code: a collectivité speaking English gets English."""
        household = (
            self.env["collectivite.household"]
            .with_user(self.english_agent)
            .with_company(self.other_company)
            .create(self._counter_values(self.other_company))
        )
        bodies = self._bodies(household)
        self.assertIn("Household account created", bodies)
        self.assertIn("Member Emma Moulin added to the household.", bodies)

    def test_change_request_and_removal_in_french(self):
        """A citizen's change and an agent's removal, made in English, logged in French."""
        household = self.household_a
        self.env["collectivite.household.change"].with_context(lang="en_US").create(
            {
                "household_id": household.id,
                "user_id": self.citizen_a.id,
                "household_values": {"phone": "06 07 08 09 10"},
                "member_values": [],
            }
        )
        self.child_a.with_user(self.english_agent).with_context(lang="en_US").write(
            {"household_id": False}
        )
        bodies = self._bodies(household)
        self.assertIn("en attente d’un agent", bodies.replace("'", "’"))
        self.assertIn("Membre Zoé Dupuis retiré du foyer.", bodies)
