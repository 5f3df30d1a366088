import logging

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

from ..models.payment_provider import NOTIFICATION_ROUTE, RETURN_ROUTE

_logger = logging.getLogger(__name__)


class PayFiPController(http.Controller):
    """PayFiP's two calls: the citizen's browser coming back, and the
    notification of the DGFiP's server. Both carry only an idOp; the result is
    always asked to PayFiP (``recupererDetailPaiementSecurise``)."""

    @staticmethod
    def _idop(data):
        return (data.get("idOp") or data.get("idop") or "").strip()[:64]

    def _handle(self, data):
        idop = self._idop(data)
        try:
            # sudo: the transaction is found by its idOp and settled by PayFiP's answer only
            tx = (
                request.env["payment.transaction"]
                .sudo()
                ._handle_notification_data("payfip", {"idop": idop})
            )
        except ValidationError:
            _logger.warning("PayFiP: notification for unknown idOp %r ignored", idop)
            return None
        return tx

    @http.route(
        RETURN_ROUTE,
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def payfip_return(self, **data):
        self._handle(data)
        return request.redirect("/payment/status")

    @http.route(NOTIFICATION_ROUTE, type="http", auth="public", methods=["POST"], csrf=False)
    def payfip_notification(self, **data):
        self._handle(data)
        return ""
