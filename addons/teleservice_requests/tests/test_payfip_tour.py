from odoo.tests import HttpCase, tagged

from .payfip_common import PayFiPCommon


@tagged("post_install", "-at_install")
class TestPayFiPTour(HttpCase, PayFiPCommon):
    def test_citizen_pays_canteen_with_demo_provider(self):
        # Odoo's demo provider alone: PayFiP is off, the demo pays.
        self.provider.state = "disabled"
        request = self._fee_request()
        self.assertEqual(request.payment_state, "awaiting")
        self.start_tour("/my/paiements", "teleservice_payment_tour", login="ts_citizen")
        payment = request.payment_ids
        self.assertEqual(payment.state, "validated")
        self.assertEqual(payment.amount, 6.0)
        self.assertEqual(payment.transaction_id.provider_code, "demo")
        self.assertEqual(request.payment_state, "paid")
