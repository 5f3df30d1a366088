from datetime import datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .payfip_common import PayFiPCommon

PARIS = ZoneInfo("Europe/Paris")


@tagged("post_install", "-at_install")
class TestPayFiP(PayFiPCommon):
    # ----------------------------------------------------------------- amount
    def test_amount_computed_on_the_server(self):
        request = self._fee_request(days="3")
        self.assertEqual(request.payment_state, "awaiting")
        self.assertEqual(request.payment_amount, 6.0)  # bracket A (420): 2.00 x 3 days
        self.household.quotient_familial = 800
        request.invalidate_recordset(["payment_amount"])
        self.assertEqual(request.payment_amount, 13.5)  # bracket B: 4.50 x 3
        # An expired quotient: the dearest bracket until a new figure is entered.
        self.household.write({"quotient_familial": 420, "quotient_date_end": "2020-01-01"})
        request.invalidate_recordset(["payment_amount"])
        self.assertEqual(request.payment_amount, 13.5)
        self.teleservice.write({"fee_type": "per_item", "fee_amount": 1.25})
        request.invalidate_recordset(["payment_amount"])
        self.assertEqual(request.payment_amount, 3.75)
        self.teleservice.write({"fee_type": "fixed", "fee_amount": 9.9})
        request.invalidate_recordset(["payment_amount"])
        self.assertEqual(request.payment_amount, 9.9)

    def test_no_fee_no_payment(self):
        request = self._request(self.teleservice_other, household_id=False)
        self.assertEqual(request.payment_state, "none")
        with self.assertRaises(UserError):
            self.env["collectivite.payment"].sudo()._start(request)
        self.assertFalse(request.payment_ids)

    def test_fee_needs_a_regie(self):
        with self.assertRaises(ValidationError):
            self.teleservice_other.write({"fee_type": "fixed", "fee_amount": 5})
        self.assertEqual(self.teleservice_other.fee_type, "none")

    def test_payment_state_is_the_servers(self):
        request = self._fee_request()
        with self.assertRaises(UserError):
            request.with_user(self.user_manage).write({"payment_state": "paid"})
        request.invalidate_recordset()
        self.assertEqual(request.payment_state, "awaiting")
        payment, _tx, _values = self._start_online(request)
        with self.assertRaises(UserError):
            payment.with_user(self.manager).sudo(False).write({"state": "validated"})
        payment.invalidate_recordset()
        self.assertEqual(payment.state, "initialised")

    # -------------------------------------------------------------- outcomes
    def test_paid(self):
        request = self._fee_request()
        payment, tx, values = self._start_online(request)
        idop = tx.provider_reference
        self.assertTrue(idop)
        self.assertIn(self.standin.payment_url, values["redirect_form_html"])
        self.assertIn(idop, values["redirect_form_html"])
        sent = self.standin.payments[idop]
        self.assertEqual(sent["montant"], "600")
        self.assertEqual(sent["numcli"], "123456")  # the régie's own number
        self.assertEqual(sent["mel"], "camille.testeuse@example.org")
        self.assertTrue(sent["urlnotif"].endswith("/payment/payfip/notification"))
        self.standin.settle(idop, "P", numauto="A1B2C3")
        self._notify(tx)
        self.assertEqual(tx.state, "done")
        self.assertEqual(payment.state, "validated")
        self.assertEqual(payment.numauto, "A1B2C3")
        self.assertTrue(payment.date_payment)
        self.assertEqual(request.payment_state, "paid")
        notes = request.message_ids.filtered(lambda m: payment.name in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("A1B2C3", notes.body)

    def test_refused_then_paid_again(self):
        request = self._fee_request()
        payment, tx, _values = self._start_online(request)
        self.standin.settle(tx.provider_reference, "R")
        self._notify(tx)
        self.assertEqual(tx.state, "error")
        self.assertEqual(payment.state, "refused")
        self.assertEqual(request.payment_state, "awaiting")
        second, tx2, _values = self._start_online(request)
        self.standin.settle(tx2.provider_reference, "P")
        self._notify(tx2)
        self.assertEqual(second.state, "validated")
        self.assertEqual(payment.state, "refused")
        self.assertEqual(request.payment_state, "paid")

    def test_cancelled(self):
        request = self._fee_request()
        payment, tx, _values = self._start_online(request)
        # PayFiP's "A" counts as cancelled once the idOp's 2 minutes of grace are over.
        self.standin.settle(
            tx.provider_reference, "A", when=datetime.now(PARIS) - timedelta(minutes=10)
        )
        self._notify(tx)
        self.assertEqual(tx.state, "cancel")
        self.assertEqual(payment.state, "cancelled")
        self.assertEqual(request.payment_state, "awaiting")

    def test_citizen_never_comes_back(self):
        request = self._fee_request()
        payment, tx, _values = self._start_online(request)
        Tx = self.env["payment.transaction"].sudo()
        # Nothing known yet (fault P5): the transaction stays pending.
        Tx._cron_payfip_check_pending()
        self.assertEqual(tx.state, "pending")
        self.assertEqual(payment.state, "initialised")
        self.standin.settle(tx.provider_reference, "P")
        # Checked a moment ago: the next run waits, the one after settles it.
        Tx._cron_payfip_check_pending()
        self.assertEqual(tx.state, "pending")
        tx.payfip_date_checked = fields.Datetime.now() - timedelta(minutes=10)
        Tx._cron_payfip_check_pending()
        self.assertEqual(tx.state, "done")
        self.assertEqual(payment.state, "validated")
        self.assertEqual(request.payment_state, "paid")
        calls = len(self.standin.calls)
        Tx._cron_payfip_check_pending()  # twice: nothing more asked, nothing more recorded
        self.assertEqual(len(self.standin.calls), calls)
        self.assertEqual(len(request.payment_ids.filtered(lambda p: p.state == "validated")), 1)

    def test_cron_expires_forgotten_idop(self):
        request = self._fee_request()
        payment, tx, _values = self._start_online(request)
        # Three hours later PayFiP still knows no result: the idOp expired.
        self.env.cr.execute(
            "UPDATE payment_transaction SET create_date = now() - interval '3 hours' WHERE id = %s",
            [tx.id],
        )
        tx.invalidate_recordset()
        self.env["payment.transaction"].sudo()._cron_payfip_check_pending()
        self.assertEqual(tx.state, "cancel")
        self.assertEqual(payment.state, "cancelled")

    # ------------------------------------------------------------- forgeries
    def test_duplicated_notification_records_one_payment(self):
        request = self._fee_request()
        payment, tx, _values = self._start_online(request)
        self.standin.settle(tx.provider_reference, "P")
        self._notify(tx)
        self._notify(tx)
        self.assertEqual(payment.state, "validated")
        self.assertEqual(request.payment_ids, payment)
        notes = request.message_ids.filtered(lambda m: payment.name in (m.body or ""))
        self.assertEqual(len(notes), 1)

    def test_forged_notifications_change_nothing(self):
        request = self._fee_request()
        payment, tx, _values = self._start_online(request)
        idop = tx.provider_reference
        # Unknown idOp.
        with self.assertRaises(ValidationError):
            self.env["payment.transaction"].sudo()._handle_notification_data(
                "payfip", {"idop": "00000000-forged"}
            )
        # A notification before anything was paid: PayFiP says nothing is known.
        self._notify(tx)
        self.assertEqual(tx.state, "pending")
        self.assertEqual(payment.state, "initialised")
        # PayFiP's answer about another client number or amount: never paid.
        self.standin.settle(idop, "P")
        self.standin.payments[idop]["montant"] = "1"
        self._notify(tx)
        self.assertEqual(tx.state, "pending")
        self.assertEqual(payment.state, "initialised")
        self.standin.payments[idop]["montant"] = "600"
        self.standin.payments[idop]["numcli"] = "999999"
        self._notify(tx)
        self.assertEqual(payment.state, "initialised")
        self.assertEqual(request.payment_state, "awaiting")
        # Already settled: a later answer changes nothing.
        self.standin.payments[idop]["numcli"] = "123456"
        self._notify(tx)
        self.assertEqual(payment.state, "validated")
        self.standin.settle(idop, "R")
        calls = len(self.standin.calls)
        self._notify(tx)
        self.assertEqual(len(self.standin.calls), calls)
        self.assertEqual(payment.state, "validated")

    def test_timeout_and_malformed_answers_stay_pending(self):
        request = self._fee_request()
        payment, tx, _values = self._start_online(request)
        self.standin.settle(tx.provider_reference, "P")
        self.provider.payfip_timeout = 1
        self.standin.delay = 2
        try:
            self._notify(tx)
        finally:
            self.standin.delay = 0
        self.assertEqual(tx.state, "pending")
        self.assertEqual(payment.state, "initialised")
        self.standin.malformed = True
        try:
            self._notify(tx)
        finally:
            self.standin.malformed = False
        self.assertEqual(tx.state, "pending")
        self.assertEqual(request.payment_state, "awaiting")
        # The scheduled check retries it.
        tx.payfip_date_checked = fields.Datetime.now() - timedelta(minutes=10)
        self.env["payment.transaction"].sudo()._cron_payfip_check_pending()
        self.assertEqual(payment.state, "validated")

    def test_creation_without_answer_stores_nothing(self):
        request = self._fee_request()
        self.provider.payfip_timeout = 1
        self.standin.delay = 2
        try:
            with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                self._start_online(request)
        finally:
            self.standin.delay = 0
        self.assertIn("PayFiP", str(caught.exception))
        request.invalidate_recordset()
        self.assertFalse(request.payment_ids)

    def test_paying_twice_refused(self):
        request = self._fee_request()
        payment, tx, _values = self._start_online(request)
        with self.assertRaises(UserError) as caught:
            self._start_online(request)
        self.assertIn("en cours", str(caught.exception))
        self.standin.settle(tx.provider_reference, "P")
        self._notify(tx)
        with self.assertRaises(UserError) as caught:
            self._start_online(request)
        self.assertIn("déjà payée", str(caught.exception))
        self.assertEqual(request.payment_ids, payment)

    # ---------------------------------------------------------- the counter
    def test_counter_payment(self):
        request = self._fee_request()
        with self.assertRaises(UserError):
            request.with_user(self.user_read).action_record_counter_payment()
        self.assertFalse(request.payment_ids)
        request.with_user(self.user_write).action_record_counter_payment()
        payment = request.payment_ids
        self.assertEqual(payment.means, "guichet")
        self.assertEqual(payment.state, "validated")
        self.assertEqual(payment.amount, 6.0)
        self.assertEqual(payment.agent_id, self.user_write)
        self.assertEqual(request.payment_state, "paid")
        self.teleservice.fee_counter_allowed = False
        other = self._fee_request()
        with self.assertRaises(UserError):
            other.with_user(self.user_write).action_record_counter_payment()
        self.assertFalse(other.payment_ids)

    def test_payment_dated_on_the_regies_day(self):
        """Paid at 00:30 in Paris (23:30 UTC) by an agent whose own time zone is
        Honolulu's: the régie's day is the Paris one."""
        self.user_write.tz = "Pacific/Honolulu"
        self.env.company.partner_id.tz = "Europe/Paris"
        request = self._fee_request()
        with freeze_time("2026-12-01 23:30:00"):
            request.with_user(self.user_write).action_record_counter_payment()
        self.assertEqual(request.payment_ids.date, fields.Date.to_date("2026-12-02"))

    def test_daily_totals(self):
        first = self._fee_request()
        first.with_user(self.user_write).action_record_counter_payment()
        second = self._fee_request(days="2")
        payment, tx, _values = self._start_online(second)
        self.standin.settle(tx.provider_reference, "P")
        self._notify(tx)
        self.env.flush_all()
        line = self.env["collectivite.payment.daily"].search([("regie_id", "=", self.regie.id)])
        self.assertEqual(len(line), 1)
        self.assertEqual(line.payment_count, 2)
        self.assertEqual(line.amount_guichet, 6.0)
        self.assertEqual(line.amount_internet, 4.0)
        self.assertEqual(line.amount_total, 10.0)
        rows = line._csv_rows()
        self.assertEqual(rows[1][-1], "10.00")

    def test_household_sees_only_its_payments(self):
        request = self._fee_request()
        request.with_user(self.user_write).action_record_counter_payment()
        other = new_test_user(self.env, login="ts_other_citizen", groups="base.group_portal")
        Payment = self.env["collectivite.payment"]
        self.assertEqual(Payment.with_user(self.citizen).search([]), request.payment_ids)
        self.assertFalse(Payment.with_user(other).search([]))

    def test_demo_provider_settles_too(self):
        request = self._fee_request()
        demo = self.env.ref("payment.payment_provider_demo")
        payment, tx, _values = self._start_online(request, provider=demo)
        with patch.object(type(tx), "_log_received_message"):
            tx._set_done()
        self.assertEqual(payment.state, "validated")
        self.assertEqual(request.payment_state, "paid")
