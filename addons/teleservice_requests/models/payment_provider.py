from odoo import fields, models

from ..payfip_client import PAYMENT_URL, SERVICE_URL, payfip_backend

RETURN_ROUTE = "/payment/payfip/return"
NOTIFICATION_ROUTE = "/payment/payfip/notification"


class PaymentProvider(models.Model):
    """PayFiP (DGFiP, "PayFiP Régie" web service), through eopayment's
    ``payfip_ws`` backend: a redirect flow, a notification carrying only the
    ``idOp``, whose result is always asked to PayFiP."""

    _inherit = "payment.provider"  # pylint: disable=consider-merging-classes-inherited

    code = fields.Selection(
        selection_add=[("payfip", "PayFiP")], ondelete={"payfip": "set default"}
    )
    payfip_numcli = fields.Char(
        "PayFiP client number",
        required_if_provider="payfip",
        help="Six digits given by the DGFiP; a régie with its own number uses it instead.",
    )
    payfip_saisie = fields.Selection(
        [("T", "Test"), ("X", "Activation"), ("W", "Production")],
        string="PayFiP mode",
        default="T",
        required_if_provider="payfip",
    )
    payfip_service_url = fields.Char(
        "PayFiP web service", default=SERVICE_URL, required_if_provider="payfip"
    )
    payfip_payment_url = fields.Char(
        "PayFiP payment page", default=PAYMENT_URL, required_if_provider="payfip"
    )
    payfip_timeout = fields.Integer(
        "PayFiP timeout (seconds)", default=15, help="How long to wait for PayFiP's answers."
    )

    def _get_supported_currencies(self):
        currencies = super()._get_supported_currencies()
        if self.code == "payfip":
            currencies = currencies.filtered(lambda c: c.name == "EUR")
        return currencies

    def _get_default_payment_method_codes(self):
        codes = super()._get_default_payment_method_codes()
        if self.code != "payfip":
            return codes
        return {"card"}

    def _payfip_backend(self, numcli=None):
        self.ensure_one()
        base_url = self.get_base_url()
        return payfip_backend(
            numcli=numcli or self.payfip_numcli,
            saisie=self.payfip_saisie,
            service_url=self.payfip_service_url,
            return_url=base_url + RETURN_ROUTE,
            notification_url=base_url + NOTIFICATION_ROUTE,
        )
