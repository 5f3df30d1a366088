import logging
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..payfip_client import CANCELLED, DENIED, EXPIRED, PAID, WAITING, cents

_logger = logging.getLogger(__name__)

SETTLED = ("done", "cancel", "error")
CHECK_AGAIN_MINUTES = 5
CRON_BATCH = 50
# What payment's create copies of the partner (payment.transaction.create).
PARTNER_FIELDS = [
    "name",
    "parent_id",
    "lang",
    "email",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "phone",
]
# What the creation of a transaction and its redirect form read of the provider.
PROVIDER_FIELDS = [
    "code",
    "state",
    "company_id",
    "redirect_form_view_id",
    "payfip_numcli",
    "payfip_saisie",
    "payfip_service_url",
    "payfip_payment_url",
    "payfip_timeout",
]


class PaymentTransaction(models.Model):
    """PayFiP transactions, and the link of any transaction (PayFiP or Odoo's
    demo provider) to the collectivité's payment it settles."""

    _inherit = "payment.transaction"  # pylint: disable=consider-merging-classes-inherited

    collectivite_payment_id = fields.Many2one(
        "collectivite.payment", "Fee payment", readonly=True, index="btree_not_null"
    )
    payfip_numauto = fields.Char("PayFiP authorisation number", readonly=True, copy=False)
    payfip_date_paid = fields.Datetime("PayFiP payment date", readonly=True, copy=False)
    payfip_date_checked = fields.Datetime("Last PayFiP check", readonly=True, copy=False)

    # ---------------------------------------------------------------- states
    def _update_state(self, allowed_states, target_state, state_message):
        txs = super()._update_state(allowed_states, target_state, state_message)
        payments = txs.collectivite_payment_id
        if payments:
            # sudo: the server settles the payments after the provider's answer
            payments.sudo()._settle_from_transactions()
        return txs

    # -------------------------------------------------------------- creation
    @api.model_create_multi
    def create(self, vals_list):
        # The currency before the amount: the ORM rounds the amount with the currency
        # when it caches the new record, and reads the currency back from the database
        # when it is not in the cache yet (one query per transaction).
        vals_list = [
            {"currency_id": vals["currency_id"], **vals} if "currency_id" in vals else vals
            for vals in vals_list
        ]
        # The partners and providers read with the fields used, not whole (a no-op for
        # what is already in the cache, e.g. the providers of the payment page).
        self.env["res.partner"].browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        ).fetch(PARTNER_FIELDS)
        Provider = self.env["payment.provider"]
        Provider.browse(
            {vals["provider_id"] for vals in vals_list if vals.get("provider_id")}
        ).fetch([name for name in PROVIDER_FIELDS if name in Provider._fields])
        return super().create(vals_list)

    def _payfip_numcli(self):
        regie = self.collectivite_payment_id.sudo().regie_id  # sudo: régie of the fee
        return regie.numcli or self.provider_id.payfip_numcli

    def _payfip_exer(self):
        """PayFiP's ``exer``: the year of the payment's day (the régie's, see
        collectivite.payment._today), else of the user's day."""
        payment = self.collectivite_payment_id
        day = payment.date if payment else fields.Date.context_today(self)
        return str(day.year)

    def _payfip_refdet(self):
        base = re.sub(r"[^A-Za-z0-9]", "", self.collectivite_payment_id.name or "ODOO")
        suffix = f"T{self.id}"
        return base[: 30 - len(suffix)] + suffix

    def _get_specific_rendering_values(self, processing_values):
        values = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != "payfip":
            return values
        return {"api_url": self.provider_id.payfip_payment_url, "idop": self._payfip_create_idop()}

    def _payfip_create_idop(self):
        """``creerPaiementSecurise``: PayFiP's idOp of this transaction. A
        failure is a French message; the transaction is not created."""
        self.ensure_one()
        provider = self.provider_id
        email = self.partner_email or self.company_id.email
        if not email:
            raise ValidationError(
                self.env._("PayFiP needs an email address: add one to your account.")
            )
        payment = self.collectivite_payment_id
        backend = provider._payfip_backend(self._payfip_numcli())
        try:
            idop, _kind, _url = backend.request(
                f"{self.amount:.2f}",
                email=email,
                refdet=self._payfip_refdet(),
                exer=self._payfip_exer(),
                subject=payment.teleservice_id.name or self.reference,
                timeout=provider.payfip_timeout,
            )
        except Exception:  # eopayment wraps network and SOAP faults, zeep may raise more
            _logger.warning("PayFiP: no idOp for transaction %s", self.reference, exc_info=True)
            raise ValidationError(  # noqa: B904
                self.env._("PayFiP could not start the payment: please try again later.")
            )
        if not idop or idop == "None":
            _logger.warning("PayFiP: empty idOp for transaction %s", self.reference)
            raise ValidationError(
                self.env._("PayFiP could not start the payment: please try again later.")
            )
        self.provider_reference = idop
        return idop

    # ---------------------------------------------------------- notification
    def _get_tx_from_notification_data(self, provider_code, notification_data):
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code != "payfip" or len(tx) == 1:
            return tx
        idop = notification_data.get("idop")
        if not idop:
            raise ValidationError(self.env._("PayFiP: received data without idOp."))
        tx = self.search(
            [("provider_reference", "=", idop), ("provider_code", "=", "payfip")], limit=1
        )
        if not tx:
            raise ValidationError(
                self.env._("PayFiP: no transaction matches idOp %(idop)s.", idop=idop)
            )
        return tx

    def _process_notification_data(self, notification_data):
        super()._process_notification_data(notification_data)
        if self.provider_code != "payfip":
            return
        # The notification carries only the idOp: the result is asked to PayFiP.
        self._payfip_check_status()

    def _payfip_check_status(self):
        """``recupererDetailPaiementSecurise``: only PayFiP's answer settles a
        transaction. No answer, or a malformed one, leaves it pending."""
        now = fields.Datetime.now()
        for tx in self:
            if tx.state in SETTLED:
                _logger.info("PayFiP: transaction %s already settled (%s)", tx.reference, tx.state)
                continue
            tx.payfip_date_checked = now
            provider = tx.provider_id
            numcli = tx._payfip_numcli()
            try:
                response = provider._payfip_backend(numcli).payment_status(
                    tx.provider_reference,
                    transaction_date=tx.create_date.replace(tzinfo=UTC),
                    timeout=provider.payfip_timeout,
                )
                result = response.result
                data = response.bank_data or {}
            except Exception:  # timeouts, SOAP faults, malformed answers: retried later
                _logger.warning(
                    "PayFiP: no usable answer for transaction %s", tx.reference, exc_info=True
                )
                tx._set_pending()
                continue
            if result in (WAITING,):
                tx._set_pending()
                continue
            if result in (PAID, DENIED) and not tx._payfip_matches(data, numcli):
                tx._set_pending()
                continue
            if result == PAID:
                tx.write(
                    {
                        "payfip_numauto": data.get("numauto"),
                        "payfip_date_paid": self._payfip_date(data) or now,
                    }
                )
                tx._set_done()
            elif result == DENIED:
                tx._set_error(self.env._("Your payment was refused by your bank."))
            elif result in (CANCELLED, EXPIRED):
                tx._set_canceled()
            else:
                _logger.warning(
                    "PayFiP: unknown result %s for transaction %s",
                    response.bank_status,
                    tx.reference,
                )
                tx._set_pending()

    def _payfip_matches(self, data, numcli):
        """PayFiP's answer is about this transaction: its idOp, client number and amount."""
        expected = {
            "idOp": self.provider_reference,
            "numcli": numcli,
            "montant": str(cents(self.amount)),
        }
        mismatches = {
            key: data.get(key) for key, value in expected.items() if str(data.get(key)) != value
        }
        if mismatches:
            _logger.error(
                "PayFiP: answer for transaction %s does not match it: %s",
                self.reference,
                mismatches,
            )
        return not mismatches

    @staticmethod
    def _payfip_date(data):
        try:
            local = datetime.strptime(f"{data['dattrans']}{data['heurtrans']}", "%d%m%Y%H%M")
        except (KeyError, TypeError, ValueError):
            return None
        paris = local.replace(tzinfo=ZoneInfo("Europe/Paris"))
        return paris.astimezone(UTC).replace(tzinfo=None)

    # ------------------------------------------------------------------ cron
    def _payfip_pending_domain(self):
        checked = fields.Datetime.now() - timedelta(minutes=CHECK_AGAIN_MINUTES)
        return [
            ("provider_code", "=", "payfip"),
            ("state", "in", ("draft", "pending")),
            ("provider_reference", "!=", False),
            "|",
            ("payfip_date_checked", "=", False),
            ("payfip_date_checked", "<", checked),
        ]

    @api.model
    def _cron_payfip_check_pending(self, batch=CRON_BATCH):
        """Settle the transactions whose citizen never came back (and the
        notifications PayFiP could not deliver): one batch per run."""
        domain = self._payfip_pending_domain()
        txs = self.search(domain, limit=batch, order="id")
        txs._payfip_check_status()
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(txs), remaining=remaining)
        return txs
