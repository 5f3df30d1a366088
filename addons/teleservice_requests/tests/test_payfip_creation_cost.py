from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.tests.common import JsonRpcMixin

from . import test_payfip_http
from .payfip_common import PayFiPCommon

# The queries of one creation (a fee by quotient familial), the records' cache empty
# and the server's caches warm (README, "Fees and PayFiP"), and of the citizen's route,
# its session check included.
CREATION_QUERIES = 21  # 23 before (README)
ROUTE_QUERIES = 36  # 38 before


@tagged("post_install", "-at_install")
class TestPayFiPCreationCost(PayFiPCommon):
    """The creation of a PayFiP transaction reads what it needs in fewer queries,
    with the same results: the payment's number, its day, PayFiP's exercise."""

    def test_queries_of_a_creation(self):
        self._start_online(self._fee_request())  # the server's caches (QWeb, xml ids) filled
        request = self._fee_request()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(CREATION_QUERIES):
            _payment, tx, processing = self._start_online(request)
        self.assertIn(tx.provider_reference, processing["redirect_form_html"])

    def test_number_from_the_sequence(self):
        """The shared sequence, unless the company has its own (as next_by_code)."""
        payment, _tx, _values = self._start_online(self._fee_request())
        self.assertRegex(payment.name, r"^PAI-\d{4}-\d{7}$")
        self.env["ir.sequence"].create(
            {
                "name": "Paiements (commune)",
                "code": "collectivite.payment",
                "prefix": "PAIC-",
                "padding": 3,
                "company_id": self.env.company.id,
            }
        )
        own, _tx, _values = self._start_online(self._fee_request())
        self.assertEqual(own.name, "PAIC-001")
        other, _tx, _values = self._start_online(self._fee_request())
        self.assertEqual(other.name, "PAIC-002")

    def test_day_in_the_company_time_zone(self):
        """At 23:30 UTC: the company's address in Paris (the next day), else its
        working time in Honolulu (the same day), else Paris."""
        company = self.env.company
        Payment = self.env["collectivite.payment"]
        with freeze_time("2026-12-01 23:30:00"):
            company.partner_id.tz = "Europe/Paris"  # written, not flushed yet
            self.assertEqual(Payment._today(), fields.Date.to_date("2026-12-02"))
            company.partner_id.tz = False
            company.resource_calendar_id.tz = "Pacific/Honolulu"
            self.assertEqual(Payment._today(), fields.Date.to_date("2026-12-01"))
            company.resource_calendar_id = False
            self.assertEqual(Payment._today(), fields.Date.to_date("2026-12-02"))

    def test_exercise_is_the_payment_year(self):
        """On New Year's Eve at 23:30 UTC, PayFiP's exercise is the régie's new year,
        whatever the user's time zone."""
        self.env.company.partner_id.tz = "Europe/Paris"
        self.env.user.tz = "Pacific/Honolulu"
        request = self._fee_request()
        with freeze_time("2026-12-31 23:30:00"):
            payment, _tx, _values = self._start_online(request)
        self.assertEqual(payment.date, fields.Date.to_date("2027-01-01"))
        name, values = self.standin.calls[-1]
        self.assertEqual(name, "creerPaiementSecurise")
        self.assertEqual(values["exer"], "2027")


@tagged("post_install", "-at_install")
class TestPayFiPRouteCost(JsonRpcMixin, HttpCase, PayFiPCommon):
    """The citizen's transaction route, counted on the server's side."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.request_fee = self._fee_request()

    _transaction = test_payfip_http.TestPayFiPHttp._transaction

    def test_queries_of_the_route(self):
        self.authenticate("ts_citizen", "ts_citizen")
        with self.assertLogs("odoo.addons.teleservice_requests.controllers.portal_payment"):
            self._transaction(record=self._fee_request())  # the server's caches filled
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        with self.assertLogs("odoo.addons.teleservice_requests.controllers.portal_payment"):
            result = self._transaction()["result"]
        count = self.cr.sql_log_count - start
        self.assertIn("redirect_form_html", result)
        self.assertEqual(count, ROUTE_QUERIES)
