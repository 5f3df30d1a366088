"""Issue 11: the demo tells the desk's story in French, with months of figures."""

from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "helpdesk_sla_fr")])
        assert module.demo, "make test installs the demo data these tests read"

    def test_oca_english_demo_is_hidden(self):
        Ticket = self.env["helpdesk.ticket"]
        oca = Ticket.with_context(active_test=False).browse(
            [self.env.ref(f"helpdesk_mgmt.helpdesk_ticket_{index}").id for index in range(1, 9)]
        )
        self.assertFalse(oca.filtered("active"))
        self.assertFalse(Ticket.search([("name", "=", "Damaged Products")]))
        self.assertFalse(Ticket.search([("user_id", "=", self.env.ref("base.user_root").id)]))
        self.assertFalse(self.env.ref("helpdesk_mgmt.helpdesk_team_1").active)
        self.assertEqual(
            self.env.ref("helpdesk_mgmt.helpdesk_category_1").with_context(lang="fr_FR").name,
            "Logiciel métier",
        )

    def test_past_months_have_real_figures(self):
        """The monthly report's indicators of each of the last months."""
        contracts = (
            self.env.ref("helpdesk_sla_fr.helpdesk_sla_contract_webrsa")
            | self.env.ref("helpdesk_sla_fr.helpdesk_sla_contract_resotic")
            | self.env.ref("helpdesk_sla_fr.helpdesk_sla_contract_paris")
        )
        paris = self.env.ref("helpdesk_sla_fr.helpdesk_sla_contract_paris")
        first = datetime.combine(fields.Date.today().replace(day=1), datetime.min.time())
        for months in range(1, 6):
            date_from = first - relativedelta(months=months)
            kpis = contracts._kpi_values(date_from, date_from + relativedelta(months=1))
            for contract in contracts:
                values = kpis[contract.id]
                with self.subTest(contract=contract.name, month=date_from.date()):
                    self.assertGreaterEqual(values["count"], 8)
                    self.assertGreater(values["closed"], 0)
                    self.assertGreater(values["resolution_mean"], 0)
                    rates = [t["rate"] for t in values["targets"] if t["rate"] is not None]
                    self.assertTrue(rates)
                    self.assertTrue(any(0 < rate < 100 for rate in rates) or len(rates) > 1)
            with self.subTest(phone=date_from.date()):
                values = kpis[paris.id]
                self.assertGreater(values["calls"], 100)
                self.assertTrue(0 < values["call_loss"] < 20)
                self.assertTrue(50 < values["call_pickup"] < 100)

    def test_history_tells_no_past_mails(self):
        """The generated past sends no acknowledgement nor closing mail, and no
        agent is called on duty for it."""
        history = self.env["helpdesk.ticket"].search(
            [("create_date", "<", fields.Datetime.now() - relativedelta(days=40))]
        )
        self.assertGreater(len(history), 200)
        self.assertFalse(history.filtered("sla_mail_pending"))
        self.assertFalse(history.filtered("is_oncall"))
        self.assertIn("met", history.mapped("sla_status"))
        self.assertIn("breached", history.mapped("sla_status"))


@tagged("post_install", "-at_install")
class TestTicketHistoryLang(TransactionCase):
    def test_creation_message_in_the_company_language(self):
        """A ticket created by an English-speaking agent: its history is French."""
        self.env.company.partner_id.lang = "fr_FR"
        agent = self.env["res.users"].create(
            {
                "name": "English Agent",
                "login": "sla_english_agent",
                "lang": "en_US",
                "groups_id": [(6, 0, [self.env.ref("helpdesk_mgmt.group_helpdesk_user").id])],
            }
        )
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(agent)
            .with_context(lang="en_US")
            .create({"name": "Poste bloqué", "description": "<p>Écran noir.</p>"})
        )
        self.assertIn("Ticket créé", " ".join(ticket.message_ids.mapped("body")))


@tagged("post_install", "-at_install")
class TestDemoLetterhead(HttpCase):
    """The monthly report is printed on the commune's letterhead, not Odoo's."""

    def test_monthly_report_letterhead(self):
        module = self.env["ir.module.module"].search([("name", "=", "helpdesk_sla_fr")])
        self.assertTrue(module.demo, "make test installs the demo data this test reads")
        contract = self.env.ref("helpdesk_sla_fr.helpdesk_sla_contract_paris")
        company = contract.company_id
        self.authenticate("admin", "admin")
        response = self.url_open(f"/report/html/helpdesk_sla_fr.report_sla_monthly/{contract.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(company.company_registry, response.text)
        self.assertIn(company.website.split("//")[1], response.text)
        self.assertIn("o_company_logo", response.text)
        self.assertIn(company.logo.decode()[:200], response.text)
        self.assertNotIn("YourCompany", response.text)
