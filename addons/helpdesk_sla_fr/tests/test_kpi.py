import base64
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import SlaCaseMixin, paris


@tagged("post_install", "-at_install")
class TestSlaKpi(SlaCaseMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()

    def _import(self, content, user=None):
        wizard = (
            self.env["helpdesk.call.log.import"]
            .with_user(user or self.manager)
            .create({"contract_id": self.paris.id, "file": base64.b64encode(content.encode())})
        )
        return wizard.action_import()

    def test_kpi_figures(self):
        """Four Paris tickets in November: 3 answered in time, 1 late; 2 closed."""
        Ticket = self.env["helpdesk.ticket"]
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            tickets = Ticket.with_user(self.agent).create(
                [self._ticket_vals(self.paris, start) for _i in range(4)]
            )
        # responses after 10, 20, 25 and 60 working minutes (target 30 min)
        for ticket, minute in zip(tickets, (10, 20, 25, 60), strict=True):
            when = paris(2026, 11, 16, 9, 0) if minute < 60 else paris(2026, 11, 16, 10, 0)
            when = when.replace(minute=minute % 60)
            with freeze_time(when):
                ticket.with_user(self.agent).write({"stage_id": self.stage_progress.id})
        with freeze_time(paris(2026, 11, 16, 11, 0)):
            tickets[:2].with_user(self.agent).write({"stage_id": self.stage_done.id})
        # The records' create_date is the transaction's: count them in its month.
        month = tickets[0].create_date.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        next_month = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1)

        kpis = self.paris.with_user(self.manager)._kpi_values(month, next_month)[self.paris.id]
        self.assertEqual(kpis["count"], 4)
        self.assertEqual(kpis["closed"], 2)
        self.assertAlmostEqual(kpis["response_mean"], (10 + 20 + 25 + 60) / 60 / 4, places=4)
        self.assertAlmostEqual(kpis["response_median"], (20 + 25) / 60 / 2, places=4)
        self.assertAlmostEqual(kpis["first_contact"], 100.0)
        response = [t for t in kpis["targets"] if t["rate"] is not None]
        self.assertEqual(len(response), 1)
        self.assertAlmostEqual(response[0]["rate"], 75.0)
        self.assertEqual(response[0]["objective"], 90.0)
        # Pivot read_group from stored fields
        groups = Ticket.with_user(self.manager).read_group(
            [("sla_contract_id", "=", self.paris.id)],
            ["kpi_response_in_time:avg", "response_hours:avg"],
            ["sla_contract_id"],
        )
        self.assertAlmostEqual(groups[0]["kpi_response_in_time"], 75.0)

    def test_monthly_report_renders(self):
        report = self.env.ref("helpdesk_sla_fr.action_report_sla_monthly")
        html, _format = report.with_user(self.manager)._render_qweb_html(
            report.report_name, self.paris.ids, data={"date_month": "2026-11-01"}
        )
        self.assertIn(b"First-contact", html) if b"First-contact" in html else self.assertIn(
            b"premier contact", html
        )

    def test_monthly_report_pdf(self):
        report = self.env.ref("helpdesk_sla_fr.action_report_sla_monthly")
        pdf, fmt = (
            report.with_user(self.manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, self.paris.ids, data={"date_month": "2026-11-01"})
        )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_call_log_import(self):
        self._import(
            "date;decroche;attente;agent\n"
            "2026-11-16 09:00:00;oui;12;Nadia\n"
            "2026-11-16 09:05:00;oui;45;Nadia\n"
            "2026-11-16 09:10:00;non;0;\n"
            "2026-11-16 09:20:00;oui;5;Paul\n"
        )
        kpis = self.env["helpdesk.call.log"]._phone_kpis(
            self.paris, datetime(2026, 11, 1), datetime(2026, 12, 1)
        )[self.paris.id]
        self.assertEqual(kpis[0], 4)
        self.assertAlmostEqual(kpis[1], 25.0)
        self.assertAlmostEqual(kpis[2], 50.0)

    def test_call_log_import_bad_line(self):
        Log = self.env["helpdesk.call.log"]
        count = Log.search_count([])
        with self.assertRaisesRegex(UserError, r"\b3\b"):
            self._import(
                "date;decroche;attente;agent\n"
                "2026-11-16 09:00:00;oui;12;Nadia\n"
                "2026-11-16 09:05:00;peut-être;45;Nadia\n"
            )
        self.assertEqual(Log.search_count([]), count)
        with self.assertRaisesRegex(UserError, r"\b2\b"):
            self._import("2026-11-16 09:00:00;oui;12;Nadia\npas une date;oui;3;Paul\n")
        self.assertEqual(Log.search_count([]), count)

    def test_availability(self):
        calendar = self.webrsa.availability_calendar_id
        self.env["helpdesk.sla.outage"].create(
            {
                "contract_id": self.webrsa.id,
                "service": "WebRSA",
                "date_start": paris(2026, 11, 16, 9, 0),
                "date_end": paris(2026, 11, 16, 19, 30),
            }
        )
        total = calendar.working_time_between([datetime(2026, 11, 1)], [datetime(2026, 12, 1)])[0]
        result = self.env["helpdesk.sla.outage"]._availability(
            self.webrsa, datetime(2026, 11, 1), datetime(2026, 12, 1)
        )[self.webrsa.id]
        self.assertAlmostEqual(result, 100.0 * (total - 10.0) / total, places=4)

    def test_overlapping_outages_count_once(self):
        """Ten requesters reporting one outage of a service are one outage."""
        Outage = self.env["helpdesk.sla.outage"]
        month = (datetime(2026, 11, 1), datetime(2026, 12, 1))
        Outage.create(
            {
                "contract_id": self.webrsa.id,
                "service": "WebRSA",
                "date_start": paris(2026, 11, 16, 9, 0),
                "date_end": paris(2026, 11, 16, 19, 30),
            }
        )
        once = Outage._availability(self.webrsa, *month)[self.webrsa.id]
        Outage.create(
            [
                {
                    "contract_id": self.webrsa.id,
                    "service": service,
                    "date_start": paris(2026, 11, 16, 9, minute),
                    "date_end": paris(2026, 11, 16, 19, 30 - minute),
                }
                for minute, service in enumerate(["WebRSA"] * 8 + [" webrsa ", "WEBRSA"])
            ]
        )
        self.assertAlmostEqual(Outage._availability(self.webrsa, *month)[self.webrsa.id], once)
        # still open, overlapping the first: counted from the first's start to the month's end
        Outage.create(
            {
                "contract_id": self.webrsa.id,
                "service": "WebRSA",
                "date_start": paris(2026, 11, 16, 12, 0),
            }
        )
        calendar = self.webrsa.availability_calendar_id
        total = calendar.working_time_between([month[0]], [month[1]])[0]
        lost = calendar.working_time_between([paris(2026, 11, 16, 9, 0)], [month[1]])[0]
        self.assertAlmostEqual(
            Outage._availability(self.webrsa, *month)[self.webrsa.id],
            100.0 * (total - lost) / total,
            places=4,
        )

    def test_availability_between_0_and_100(self):
        Outage = self.env["helpdesk.sla.outage"]
        month = (datetime(2026, 11, 1), datetime(2026, 12, 1))
        self.assertEqual(Outage._availability(self.webrsa, *month)[self.webrsa.id], 100.0)
        # two services down all month: the lost time exceeds the month's
        Outage.create(
            [
                {
                    "contract_id": self.webrsa.id,
                    "service": service,
                    "date_start": datetime(2026, 10, 1),
                    "date_end": datetime(2027, 1, 1),
                }
                for service in ("WebRSA", "Flux CAF")
            ]
        )
        self.assertEqual(Outage._availability(self.webrsa, *month)[self.webrsa.id], 0.0)

    def test_outage_from_ticket(self):
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            ticket = self._ticket(self.webrsa, start, partner_id=False, is_outage=True)
        outage = self.env["helpdesk.sla.outage"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(outage.date_start, start)
        self.assertFalse(outage.date_end)
        with freeze_time(paris(2026, 11, 16, 11, 0)):
            ticket.with_user(self.agent).write({"stage_id": self.stage_done.id})
        self.assertEqual(outage.date_end, paris(2026, 11, 16, 11, 0))
