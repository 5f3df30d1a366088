import json

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.tests.common import JsonRpcMixin

from .payfip_common import PayFiPCommon


@tagged("post_install", "-at_install")
class TestPayFiPHttp(JsonRpcMixin, HttpCase, PayFiPCommon):
    """The citizen pays over HTTP through the real eopayment client and the
    PayFiP stand-in; agents see the payment validated; refusals from outside."""

    def setUp(self):
        super().setUp()
        # PayFiP's notification and return come back to this test server.
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.request_fee = self._fee_request()

    def _page(self, record=None):
        return self.url_open(f"/my/demandes/{(record or self.request_fee).id}/paiement")

    def _transaction(self, record=None, provider=None, **params):
        provider = provider or self.provider
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": dict(
                {
                    "provider_id": provider.id,
                    "payment_method_id": provider.payment_method_ids[:1].id,
                    "token_id": None,
                    "amount": 0.01,
                    "flow": "redirect",
                    "tokenization_requested": False,
                    "landing_route": "https://evil.example.org/",
                    "is_validation": False,
                    "access_token": None,
                    "csrf_token": None,
                },
                **params,
            ),
        }
        response = self.url_open(
            f"/my/demandes/{(record or self.request_fee).id}/paiement/transaction",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_citizen_pays_agent_sees_it_validated(self):
        self.authenticate("ts_citizen", "ts_citizen")
        page = self._page()
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_payment_form", page.text)
        self.assertIn("6,00", page.text)
        with self.assertLogs(
            "odoo.addons.teleservice_requests.controllers.portal_payment", "WARNING"
        ) as logs:
            answer = self._transaction()
        self.assertIn("ignored", logs.output[0])
        result = answer["result"]
        self.assertEqual(result["amount"], 6.0)  # the server's amount, not the posted one
        payment = self.request_fee.payment_ids
        self.assertEqual(payment.amount, 6.0)
        self.assertEqual(payment.transaction_id.landing_route, page.url.split(self.base_url())[1])
        idop = payment.transaction_id.provider_reference
        self.assertIn(self.standin.payment_url, result["redirect_form_html"])
        self.assertIn(idop, result["redirect_form_html"])
        # On PayFiP's page the citizen pays; PayFiP notifies this server over HTTP.
        paid = self.url_open(f"{self.standin.payment_url}?idop={idop}&action=P")
        self.assertEqual(paid.status_code, 200)
        # The browser comes back with the idOp.
        back = self.url_open("/payment/payfip/return", data={"idOp": idop}, allow_redirects=False)
        self.assertIn(back.status_code, (302, 303))
        self.assertTrue(back.headers["Location"].endswith("/payment/status"))
        self.authenticate("ts_read", "ts_read")
        rows = self.call_kw(
            "collectivite.payment",
            "search_read",
            [[("request_id", "=", self.request_fee.id)]],
            {"fields": ["state", "amount", "means", "numauto"]},
        )["result"]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["state"], "validated")
        self.assertEqual(rows[0]["amount"], 6.0)
        self.assertEqual(rows[0]["means"], "internet")
        self.assertEqual(rows[0]["numauto"], "987654")
        request = self.call_kw(
            "collectivite.request", "read", [self.request_fee.ids, ["payment_state"]]
        )["result"]
        self.assertEqual(request[0]["payment_state"], "paid")
        # The citizen's page says so; a second payment is refused.
        self.authenticate("ts_citizen", "ts_citizen")
        self.assertIn("o_collectivite_payment_paid", self._page().text)
        self.assertIn("déjà payée", self._transaction()["error"]["data"]["message"])
        self.assertEqual(self.request_fee.payment_ids, payment)

    def test_demo_provider_over_http(self):
        demo = self.env.ref("payment.payment_provider_demo")
        self.authenticate("ts_citizen", "ts_citizen")
        result = self._transaction(provider=demo, flow="direct")["result"]
        tx = self.env["payment.transaction"].browse(result["tx_id"] if "tx_id" in result else [])
        tx = tx or self.request_fee.payment_ids.transaction_id
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": tx.reference, "payment_details": "4242", "simulated_state": "done"},
        )
        self.assertEqual(self.request_fee.payment_ids.state, "validated")
        self.assertEqual(self.request_fee.payment_state, "paid")

    def test_payment_in_progress_page(self):
        self.authenticate("ts_citizen", "ts_citizen")
        self._transaction()
        page = self._page()
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_payment_form", page.text)
        self.assertIn("en cours", page.text)
        # The agent records nothing at the counter meanwhile.
        self.authenticate("ts_write", "ts_write")
        answer = self.call_kw(
            "collectivite.request", "action_record_counter_payment", [self.request_fee.ids]
        )
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.assertEqual(len(self.request_fee.payment_ids), 1)

    def test_other_household_refused(self):
        other = new_test_user(
            self.env, login="ts_other", groups="base.group_portal", email="other@example.org"
        )
        other.partner_id.write(
            {"firstname": "Karim", "lastname": "Autre", "household_role": "responsible"}
        )
        self.env["collectivite.household"].create(
            {
                "street": "rue Basse",
                "zip": "95000",
                "city": "Cergy",
                "member_ids": [Command.link(other.partner_id.id)],
            }
        )
        self.authenticate("ts_other", "ts_other")
        self.assertEqual(self._page().status_code, 404)
        answer = self._transaction()
        self.assertIn("error", answer)
        self.assertFalse(self.request_fee.payment_ids)
        self.assertEqual(self.url_open("/my/paiements").status_code, 200)
        self.assertNotIn(self.request_fee.name, self.url_open("/my/paiements").text)

    def test_forged_notifications_over_http(self):
        self.authenticate("ts_citizen", "ts_citizen")
        self._transaction()
        payment = self.request_fee.payment_ids
        self.authenticate(None, None)
        for idop in ("forged-idop", "", payment.transaction_id.provider_reference):
            response = self.url_open("/payment/payfip/notification", data={"idOp": idop})
            self.assertEqual(response.status_code, 200)
        # PayFiP knows no result yet: nothing is paid, whatever was posted.
        response = self.url_open(
            "/payment/payfip/notification",
            data={
                "idOp": payment.transaction_id.provider_reference,
                "resultrans": "P",
                "montant": "600",
            },
        )
        self.assertEqual(response.status_code, 200)
        payment.invalidate_recordset()
        self.assertEqual(payment.state, "initialised")
        self.assertEqual(self.request_fee.payment_state, "awaiting")

    def test_settings_online_payment_off(self):
        self.company.write(
            {
                "collectivite_payment_online": False,
                "collectivite_payment_message": "Paiement en ligne fermé jusqu'à lundi.",
            }
        )
        self.authenticate("ts_citizen", "ts_citizen")
        page = self._page()
        self.assertIn("Paiement en ligne fermé jusqu&#39;à lundi.", page.text)
        self.assertNotIn("o_payment_form", page.text)
        answer = self._transaction()
        self.assertIn("fermé", answer["error"]["data"]["message"])
        self.assertFalse(self.request_fee.payment_ids)
        self.company.collectivite_payment_online = True
        self.assertIn("o_payment_form", self._page().text)

    def test_settings_payment_history(self):
        self.request_fee.with_user(self.user_write).action_record_counter_payment()
        self.authenticate("ts_citizen", "ts_citizen")
        listing = self.url_open("/my/paiements")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.request_fee.payment_ids.name, listing.text)
        self.company.collectivite_payment_history = False
        listing = self.url_open("/my/paiements")
        self.assertEqual(listing.status_code, 200)
        self.assertNotIn(self.request_fee.payment_ids.name, listing.text)

    def test_requests_to_pay_listed(self):
        self.authenticate("ts_citizen", "ts_citizen")
        listing = self.url_open("/my/paiements")
        self.assertIn(f"/my/demandes/{self.request_fee.id}/paiement", listing.text)

    def test_request_page_leads_to_payment(self):
        self.authenticate("ts_citizen", "ts_citizen")
        page = self.url_open(f"/my/demandes/{self.request_fee.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_request_payment", page.text)
        self.assertIn(f'href="/my/demandes/{self.request_fee.id}/paiement"', page.text)
        self.assertIn("6,00", page.text)

    def test_outside_calls_refused(self):
        self.authenticate("ts_citizen", "ts_citizen")
        created = self.call_kw(
            "collectivite.payment",
            "create",
            [
                {
                    "request_id": self.request_fee.id,
                    "regie_id": self.regie.id,
                    "amount": 0.01,
                    "currency_id": self.eur.id,
                    "state": "validated",
                }
            ],
        )
        self.assertEqual(created["error"]["data"]["name"], "odoo.exceptions.AccessError")
        written = self.call_kw(
            "collectivite.request", "write", [self.request_fee.ids, {"payment_state": "paid"}]
        )
        self.assertIn(
            written["error"]["data"]["name"],
            ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
        )
        counter = self.call_kw(
            "collectivite.request", "action_record_counter_payment", [self.request_fee.ids]
        )
        self.assertIn("error", counter)
        self.authenticate("ts_write", "ts_write")
        written = self.call_kw(
            "collectivite.request", "write", [self.request_fee.ids, {"payment_state": "paid"}]
        )
        self.assertEqual(written["error"]["data"]["name"], "odoo.exceptions.UserError")
        means = self.call_kw(
            "collectivite.request",
            "action_record_counter_payment",
            [self.request_fee.ids],
            {"means": "internet"},
        )
        self.assertEqual(means["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.request_fee.invalidate_recordset()
        self.assertEqual(self.request_fee.payment_state, "awaiting")
        self.assertFalse(self.request_fee.payment_ids)

    def test_daily_totals_csv(self):
        self.request_fee.with_user(self.user_write).action_record_counter_payment()
        self.env.flush_all()
        line = self.env["collectivite.payment.daily"].search([("regie_id", "=", self.regie.id)])
        self.authenticate("ts_read", "ts_read")
        response = self.url_open(f"/teleservice/payments/daily.csv?ids={line.id}")
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        self.assertIn("Régie enfance (test)", text)
        self.assertIn("6.00", text)
        self.authenticate("ts_citizen", "ts_citizen")
        response = self.url_open(f"/teleservice/payments/daily.csv?ids={line.id}")
        self.assertEqual(response.status_code, 404)
        # an agent without the payments' right is told why, in French
        new_test_user(self.env, login="ts_no_payment", groups="base.group_user", lang="fr_FR")
        self.authenticate("ts_no_payment", "ts_no_payment")
        response = self.url_open(f"/teleservice/payments/daily.csv?ids={line.id}")
        self.assertEqual(response.status_code, 403)
        self.assertIn("totaux journaliers des régies", response.text)
        self.assertNotIn("6.00", response.text)
