import csv
import io
import logging

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.household_accounts.form_values import parse_id
from odoo.addons.payment.controllers.portal import PaymentPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

_logger = logging.getLogger(__name__)

PAYMENTS_PER_PAGE = 20
# The named arguments of payment.provider._get_compatible_providers.
PROVIDER_SEARCH_ARGUMENTS = {
    "company_id",
    "partner_id",
    "amount",
    "currency_id",
    "force_tokenization",
    "is_express_checkout",
    "is_validation",
    "report",
}


class CollectivitePaymentPortal(PaymentPortal):
    """The citizen pays a request's fee (``/my/demandes/<id>/paiement``) and
    reads the household's payments (``/my/paiements``). Pages read with the
    citizen's own rights; the amount is always the server's."""

    # ------------------------------------------------------------- helpers
    def _payment_request(self, request_id):
        """The citizen's request, read with their rights (404 otherwise)."""
        record = request.env["collectivite.request"].browse(request_id).exists()
        try:
            record.check_access("read")
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        if not record:
            raise NotFound()
        return record

    def _payment_providers(self, record, amount, currency):
        """The providers the citizen may pay ``amount`` of this request with."""
        partner = request.env.user.partner_id
        # sudo: the providers a citizen may use are read as payment's own pages do
        providers_sudo = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                record.company_id.id, partner.id, amount, currency_id=currency.id
            )
        )
        # A régie paid through its own PayFiP provider offers that one only.
        regie_provider = record.teleservice_id.sudo().regie_id.provider_id  # sudo: fee setup
        if regie_provider:
            providers_sudo = providers_sudo.filtered(
                lambda p: p.code != "payfip" or p == regie_provider
            )
        return providers_sudo

    def _payment_form_values(self, record):
        partner = request.env.user.partner_id
        currency = record.payment_currency_id
        amount = record.payment_amount
        providers_sudo = self._payment_providers(record, amount, currency)
        payment_methods_sudo = (
            request.env["payment.method"]
            .sudo()  # sudo: the methods a citizen may use, as payment's own pages read them
            ._get_compatible_payment_methods(
                providers_sudo.ids, partner.id, currency_id=currency.id
            )
        )
        return {
            "amount": amount,
            "currency": currency,
            "partner_id": partner.id,
            "providers_sudo": providers_sudo,
            "payment_methods_sudo": payment_methods_sudo,
            "tokens_sudo": request.env["payment.token"],
            "show_tokenize_input_mapping": dict.fromkeys(providers_sudo.ids, False),
            "transaction_route": f"/my/demandes/{record.id}/paiement/transaction",
            "landing_route": f"/my/demandes/{record.id}/paiement",
            "access_token": None,
            "reference_prefix": None,
        }

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "collectivite_payment_count" in counters:
            # What the citizen has to pay.
            values["collectivite_payment_count"] = request.env["collectivite.request"].search_count(
                [("payment_state", "=", "awaiting")]
            )
        return values

    # --------------------------------------------------------------- pages
    @http.route("/my/demandes/<int:request_id>/paiement", type="http", auth="user", website=True)
    def portal_request_payment(self, request_id, **kw):
        record = self._payment_request(request_id)
        company = record.company_id
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="collectivite_payment",
            demande=record,
            payments=record.payment_ids.sorted("id", reverse=True),
            online=company.collectivite_payment_online,
            offline_message=company.collectivite_payment_message,
            in_progress=bool(record.payment_ids._in_progress()),
        )
        if (
            record.payment_state == "awaiting"
            and company.collectivite_payment_online
            and not values["in_progress"]
        ):
            values.update(self._payment_form_values(record))
        return request.render("teleservice_requests.portal_request_payment", values)

    @http.route("/my/demandes/<int:request_id>/paiement/transaction", type="json", auth="user")
    def portal_request_payment_transaction(self, request_id, **kwargs):
        """Create the payment and its transaction; the amount is computed here,
        whatever the browser posts."""
        record = self._payment_request(request_id)
        self._validate_transaction_kwargs(
            kwargs, additional_allowed_keys={"access_token", "reference_prefix"}
        )
        flow = kwargs.get("flow")
        if flow not in ("redirect", "direct"):
            raise ValidationError(request.env._("This payment method is not available."))
        try:
            # sudo: the citizen's access to the request was checked above
            payment = (
                request.env["collectivite.payment"]
                .sudo()
                ._start(record.sudo(), partner=request.env.user.partner_id)
            )
        except UserError as error:
            raise ValidationError(error.args[0]) from error
        posted = self._cast_as_float(kwargs.get("amount"))
        if posted is None or payment.currency_id.compare_amounts(posted, payment.amount):
            _logger.warning(
                "payment of request %s: amount %r posted by the browser ignored (due: %s)",
                record.name,
                kwargs.get("amount"),
                payment.amount,
            )
        provider_id = self._cast_as_int(kwargs.get("provider_id"))
        # The providers the page offers (not its payment methods: not needed here).
        allowed = self._payment_providers(record, payment.amount, payment.currency_id)
        if provider_id not in allowed.ids:
            raise ValidationError(request.env._("This payment method is not available."))
        tx_sudo = self._create_transaction(
            provider_id=provider_id,
            payment_method_id=self._cast_as_int(kwargs.get("payment_method_id")),
            token_id=None,
            amount=payment.amount,
            currency_id=payment.currency_id.id,
            partner_id=request.env.user.partner_id.id,
            flow=flow,
            tokenization_requested=False,
            landing_route=f"/my/demandes/{record.id}/paiement",
            reference_prefix=payment.name,
            custom_create_values={"collectivite_payment_id": payment.id},
        )
        payment.transaction_id = tx_sudo
        return tx_sudo._get_processing_values()

    @http.route(
        ["/my/paiements", "/my/paiements/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_payments(self, page=1, **kw):
        """The household's requests awaiting payment (each with its "Payer"
        button), then its payments when the collectivité shows them."""
        partner = request.env.user.partner_id
        household = partner.household_id
        to_pay = request.env["collectivite.request"].search(
            [
                ("payment_state", "=", "awaiting"),
                "|",
                ("household_id", "=", household.id or -1),
                ("requester_id", "=", partner.id),
            ],
            order="date_submitted desc, id desc",
        )
        Payment = request.env["collectivite.payment"]
        history = bool(household) and household.company_id.collectivite_payment_history
        domain = [("household_id", "=", household.id)]
        count = Payment.search_count(domain) if history else 0
        pager = portal_pager(url="/my/paiements", total=count, page=page, step=PAYMENTS_PER_PAGE)
        payments = (
            Payment.search(
                domain, limit=PAYMENTS_PER_PAGE, offset=pager["offset"], order="date desc, id desc"
            )
            if history
            else Payment
        )
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="collectivite_payments",
            to_pay=to_pay,
            history=history,
            payments=payments,
            pager=pager,
        )
        return request.render("teleservice_requests.portal_my_payments", values)

    @http.route()
    def payment_method(self, **kwargs):
        """Payment's own page passes the query on to the providers' search, whose
        named arguments a client's ``amount`` or ``partner_id`` would collide with
        (a 500): those are left out."""
        kwargs = {k: v for k, v in kwargs.items() if k not in PROVIDER_SEARCH_ARGUMENTS}
        return super().payment_method(**kwargs)

    # ------------------------------------------------------------- back office
    @http.route("/teleservice/payments/daily.csv", type="http", auth="user", readonly=True)
    def payment_daily_csv(self, ids="", **kw):
        # What is not an id is left out (a list the client wrote by hand).
        wanted = [parse_id(i) for i in ids.split(",")] if isinstance(ids, str) else []
        wanted = [i for i in wanted if i]
        Daily = request.env["collectivite.payment.daily"]
        try:
            lines = Daily.search([("id", "in", wanted)], order="date, regie_id")
        except AccessError as error:
            if not request.env.user._is_internal():
                raise NotFound() from error
            # An agent without the right is told so, in their language.
            return request.make_response(
                request.env._(
                    "You may not export the régies' daily totals: ask your administrator "
                    "for the payments' right."
                ),
                headers=[("Content-Type", "text/plain; charset=utf-8")],
                status=403,
            )
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows(lines._csv_rows())
        return request.make_response(
            buffer.getvalue().encode("utf-8-sig"),
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", 'attachment; filename="totaux_regies.csv"'),
            ],
        )
