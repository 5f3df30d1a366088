from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.tests.common import JsonRpcMixin

from . import test_payfip_http
from .payfip_common import PayFiPCommon


@tagged("post_install", "-at_install")
class TestPayFiPRoute(JsonRpcMixin, HttpCase, PayFiPCommon):
    """The transaction route checks the provider posted by the browser against
    the providers the payment page offers."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.request_fee = self._fee_request()

    _transaction = test_payfip_http.TestPayFiPHttp._transaction

    def test_provider_not_offered_refused(self):
        # A second PayFiP provider, enabled but not the one of the régie.
        other = self.provider.copy({"name": "PayFiP (autre régie)", "state": "test"})
        self.regie.provider_id = self.provider
        disabled = self.env.ref("payment.payment_provider_demo")
        disabled.state = "disabled"
        self.authenticate("ts_citizen", "ts_citizen")
        for provider in (other, disabled):
            answer = self._transaction(provider=provider)
            self.assertIn("error", answer)
            self.assertIn("pas disponible", answer["error"]["data"]["message"])
            self.request_fee.invalidate_recordset()
            self.assertFalse(self.request_fee.payment_ids)
            self.assertFalse(
                self.env["payment.transaction"].search([("provider_id", "=", provider.id)])
            )
        # The régie's own provider is accepted, with the server's amount.
        result = self._transaction(amount=0.01)["result"]
        self.assertIn("redirect_form_html", result)
        payment = self.request_fee.payment_ids
        self.assertEqual(payment.amount, 6.0)
        self.assertEqual(payment.transaction_id.provider_id, self.provider)
        self.assertEqual(payment.transaction_id.amount, 6.0)
