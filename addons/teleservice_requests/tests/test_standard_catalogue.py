import json

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestStandardCatalogue(HttpCase):
    """The standard catalogue, loaded from the outside (JSON-RPC, as the
    button of the téléservices list sends it) by the demo manager into each
    demo commune, twice: one catalogue per collectivité."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.env.ref("collectivite_base.user_manager", raise_if_not_found=False)
        cls.communes = cls.env.ref("base.main_company") | cls.env.ref(
            "collectivite_base.company_cergy", raise_if_not_found=False
        )
        cls.catalogue = cls.env["collectivite.teleservice"]._standard_catalogue()

    def setUp(self):
        super().setUp()
        # The suite's tests run on its demo data (make test installs it).
        self.assertTrue(self.manager, "the demo data define the manager")
        self.assertEqual(len(self.communes), 2, "the demo data define Pontoise and Cergy")

    def _load(self, company):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "collectivite.teleservice",
                "method": "action_load_standard_catalogue",
                "args": [],
                "kwargs": {"context": {"allowed_company_ids": company.ids}},
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw/collectivite.teleservice/action_load_standard_catalogue",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _counts(self, company):
        """{(model, key value): records of the company}, for the catalogue's entries."""
        env = self.env(context={"active_test": False})
        counts = {}
        for model, section, key in (
            ("collectivite.teleservice", "teleservices", "code"),
            ("collectivite.category", "categories", "name"),
            ("collectivite.justificatif.type", "justificatif_types", "code"),
            ("collectivite.parameter.list", "parameter_lists", "code"),
        ):
            for entry in self.catalogue[section]:
                counts[model, entry[key]] = env[model].search_count(
                    [("company_id", "=", company.id), (key, "=", entry[key])]
                )
        return counts

    def test_manager_loads_it_twice_in_each_commune(self):
        self.authenticate("manager", "manager")
        for company in self.communes:
            with self.subTest(company=company.name):
                for _click in range(2):
                    result = self._load(company)
                    self.assertIn("result", result, result)
                counts = self._counts(company)
                self.assertEqual(set(counts.values()), {1}, counts)
                fields_count = self.env["collectivite.form.field"].search_count(
                    [("teleservice_id.company_id", "=", company.id)]
                )
                self._load(company)
                self.assertEqual(
                    self.env["collectivite.form.field"].search_count(
                        [("teleservice_id.company_id", "=", company.id)]
                    ),
                    fields_count,
                )
        # Each commune's forms have their own choice lists.
        school = self.env["collectivite.teleservice"].search(
            [("code", "=", "inscription_scolaire"), ("company_id", "in", self.communes.ids)]
        )
        self.assertEqual(school.company_id, self.communes)
        for teleservice in school:
            self.assertEqual(
                teleservice.field_ids.parameter_list_id.company_id, teleservice.company_id
            )

    def test_agent_is_refused(self):
        cergy = self.communes[1]
        before = self._counts(cergy)
        teleservices = self.env["collectivite.teleservice"].search_count([])
        self.authenticate("agent.cergy", "agent.cergy")
        result = self._load(cergy)
        self.assertEqual(result["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self._counts(cergy), before)
        self.assertEqual(self.env["collectivite.teleservice"].search_count([]), teleservices)
