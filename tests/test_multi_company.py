"""Several collectivités on one platform: an agent of one commune sees none of
another commune's households, requests or tickets, whatever rights they hold in
the suite; an agent working for both communes sees both."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user

AGENT_GROUPS = (
    "collectivite_base.collectivite_group_agent,helpdesk_mgmt.group_helpdesk_user_team"
    ",helpdesk_mgmt.group_helpdesk_user"
)


class TestMultiCompany(TransactionCase):
    # Outside an addon, Odoo's test metaclass does not tag the class: say it here.
    test_tags = {"standard", "post_install"}
    test_module = "collectivite_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.pontoise = env.ref("base.main_company")
        cls.cergy = env["res.company"].create({"name": "Commune de Cergy (test)"})
        cls.records = {}
        for company in (cls.pontoise, cls.cergy):
            partner = env["res.partner"].create(
                {
                    "firstname": "Usager",
                    "lastname": company.name,
                    "household_role": "responsible",
                    "company_id": company.id,
                }
            )
            household = env["collectivite.household"].create(
                {
                    "street_number": "1",
                    "street": "place de la Mairie",
                    "zip": "95000",
                    "city": "Cergy",
                    "company_id": company.id,
                    "member_ids": [Command.link(partner.id)],
                }
            )
            category = env["collectivite.category"].create(
                {"name": "Enfance %s" % company.name, "company_id": company.id}
            )
            teleservice = env["collectivite.teleservice"].create(
                {
                    "name": "Cantine %s" % company.name,
                    "code": "mc_cantine_%s" % company.id,
                    "category_id": category.id,
                }
            )
            request = env["collectivite.request"].create(
                {
                    "teleservice_id": teleservice.id,
                    "requester_id": partner.id,
                    "subject_id": partner.id,
                    "household_id": household.id,
                }
            )
            team = env["helpdesk.ticket.team"].create(
                {"name": "Support %s" % company.name, "company_id": company.id}
            )
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": "Panne du guichet %s" % company.name,
                    "description": "Le guichet ne répond plus.",
                    "team_id": team.id,
                    "company_id": company.id,
                    "partner_id": partner.id,
                }
            )
            cls.records[company] = {
                "collectivite.household": household,
                "collectivite.request": request,
                "helpdesk.ticket": ticket,
                "category": category,
            }
        cls.agent_cergy = new_test_user(
            env,
            login="mc_agent_cergy",
            groups=AGENT_GROUPS,
            company_id=cls.cergy.id,
            company_ids=[Command.set(cls.cergy.ids)],
        )
        cls.agent_both = new_test_user(
            env,
            login="mc_agent_both",
            groups=AGENT_GROUPS,
            company_id=cls.pontoise.id,
            company_ids=[Command.set((cls.pontoise | cls.cergy).ids)],
        )
        # Both agents get the widest category right everywhere: only the
        # company must keep Pontoise's records from the agent of Cergy.
        env["collectivite.category.right"].create(
            [
                {"category_id": records["category"].id, "user_id": user.id, "right": "manage"}
                for records in cls.records.values()
                for user in (cls.agent_cergy, cls.agent_both)
            ]
        )

    def _visible(self, user, model, companies):
        env = self.env(user=user, context={"allowed_company_ids": companies.ids})
        ids = [records[model].id for records in self.records.values()]
        return env[model].search([("id", "in", ids)])

    def test_agent_of_one_commune_sees_only_it(self):
        for model in ("collectivite.household", "collectivite.request", "helpdesk.ticket"):
            with self.subTest(model=model):
                visible = self._visible(self.agent_cergy, model, self.cergy)
                self.assertEqual(visible, self.records[self.cergy][model].with_env(visible.env))
                other = self.records[self.pontoise][model].with_user(self.agent_cergy)
                with self.assertRaises(AccessError):
                    other.read(["display_name"])

    def test_agent_of_both_communes_sees_both(self):
        for model in ("collectivite.household", "collectivite.request", "helpdesk.ticket"):
            with self.subTest(model=model):
                visible = self._visible(self.agent_both, model, self.pontoise | self.cergy)
                self.assertEqual(len(visible), 2)
                # With only Cergy selected in the company switcher, only Cergy's.
                visible = self._visible(self.agent_both, model, self.cergy)
                self.assertEqual(visible.ids, self.records[self.cergy][model].ids)
