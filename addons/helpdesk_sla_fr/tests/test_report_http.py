"""Issue 11: the monthly service report fetched the way the web client does."""

import json
from urllib.parse import quote

from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.tests.common import json_rpc

from .common import SlaCaseMixin


@tagged("post_install", "-at_install")
class TestSlaReportHttp(SlaCaseMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.manager.lang = "fr_FR"
        cls.report = cls.env.ref("helpdesk_sla_fr.action_report_sla_monthly")

    def _call_kw(self, model, method, args, kwargs=None):
        return json_rpc(self, model, method, args, kwargs)

    def _url(self, action, converter="pdf", **context):
        """The URL the web client builds for a report action (``_getReportUrl``)."""
        url = f"/report/{converter}/{action['report_name']}"
        if action.get("data"):
            options = quote(json.dumps(action["data"]))
            context = quote(json.dumps(dict(action.get("context") or {}, **context)))
            return f"{url}?options={options}&context={context}"
        return f"{url}/{','.join(map(str, action['context']['active_ids']))}"

    def _print(self, contracts, month="2026-11-01"):
        wizard = self._call_kw(
            "helpdesk.sla.report.wizard",
            "create",
            [{"contract_ids": [(6, 0, contracts.ids)], "date_month": month}],
            {"context": {"lang": "fr_FR"}},
        )["result"]
        result = self._call_kw(
            "helpdesk.sla.report.wizard",
            "action_print",
            [[wizard]],
            {"context": {"lang": "fr_FR"}},
        )
        self.assertNotIn("error", result, result)
        return result["result"]

    def test_wizard_report_as_the_web_client_fetches_it(self):
        self.authenticate("sla_manager", "sla_manager")
        action = self._print(self.paris | self.webrsa)
        response = self.url_open(self._url(action, "html"))
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.paris.name, response.text)
        self.assertIn(self.webrsa.name, response.text)
        self.assertIn("11/2026", response.text)
        # the PDF route the web client fetches (test mode renders it as HTML:
        # wkhtmltopdf cannot call back the test server, whose cursor is busy)
        response = self.url_open(self._url(action))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn(self.paris.name.encode(), response.content)

    def test_report_printed_from_the_contracts(self):
        self.authenticate("sla_manager", "sla_manager")
        action = self._call_kw(
            "ir.actions.report", "report_action", [self.report.ids, self.paris.ids]
        )["result"]
        response = self.url_open(self._url(action, "html"))
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.paris.name, response.text)

    def test_bad_selections_refused_in_french(self):
        other = self.env["res.company"].create({"name": "Commune voisine"})
        team = self.env["helpdesk.ticket.team"].create({"name": "Voisins", "company_id": other.id})
        foreign = self.paris.copy({"company_id": other.id, "team_id": team.id})
        self.authenticate("sla_manager", "sla_manager")
        url = f"/report/html/{self.report.report_name}"
        cases = [
            {"date_month": "2026-11-01"},
            {"date_month": "2026-11-01", "contract_ids": []},
            {"date_month": "2026-11-01", "contract_ids": [foreign.id]},
            {"date_month": "2026-11-01", "contract_ids": ["abc", None]},
        ]
        for data in cases:
            with self.subTest(data=data):
                response = self.url_open(f"{url}?options={quote(json.dumps(data))}")
                self.assertEqual(response.status_code, 400)
                self.assertIn("Veuillez choisir au moins un contrat de service", response.text)
        data = {"date_month": "2026-13-45", "contract_ids": self.paris.ids}
        response = self.url_open(f"{url}?options={quote(json.dumps(data))}")
        self.assertEqual(response.status_code, 400)
        self.assertIn("n’est pas une date valide", response.text)
        # the wizard refuses an empty selection
        wizard = self._call_kw(
            "helpdesk.sla.report.wizard", "create", [{"date_month": "2026-11-01"}]
        )["result"]
        result = self._call_kw(
            "helpdesk.sla.report.wizard", "action_print", [[wizard]], {"context": {"lang": "fr_FR"}}
        )
        self.assertEqual(result["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.assertIn("Veuillez choisir au moins un contrat", result["error"]["data"]["message"])
