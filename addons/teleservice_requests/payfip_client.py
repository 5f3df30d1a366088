"""PayFiP through Entr'ouvert's ``eopayment`` (its ``payfip_ws`` backend and
the WSDL and schemas it ships), bound to the service address of the provider.

eopayment's SOAP client always calls the address written in its WSDL: the
client here is the same, with the address of the provider's configuration (the
DGFiP's, or a stand-in in tests). One zeep client per thread and address: the
WSDL is parsed once, not for every payment, and its HTTP session keeps its
connection open between payments."""

import os
import threading
from decimal import Decimal

import eopayment
import requests
from eopayment import payfip_ws

BINDING = (
    "{http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService}PaiementSecuriseServicePortBinding"
)
SERVICE_URL = "https://www.payfip.gouv.fr/tpa/services/securite"
PAYMENT_URL = payfip_ws.PAYMENT_URL
PayFiPError = payfip_ws.PayFiPError
PAID, DENIED, CANCELLED = eopayment.PAID, eopayment.DENIED, eopayment.CANCELLED
WAITING, EXPIRED = eopayment.WAITING, eopayment.EXPIRED

_local = threading.local()


class PayFiPService(payfip_ws.PayFiP):
    """eopayment's PayFiP SOAP client, calling ``service_url``."""

    @property
    def client(self):
        if not hasattr(self, "_client"):
            client = super().client
            client._default_service = client.create_service(BINDING, self.service_url)
            _settle_environment(client.transport.session, self.service_url)
        return self._client


def _settle_environment(session, url):
    """What requests reads from the environment on every call (the proxies of
    ``url``, the CA bundle, ~/.netrc), read once here: the session then keeps
    them and no longer looks (PayFiP asks no HTTP authentication)."""
    for scheme, proxy in requests.utils.get_environ_proxies(url).items():
        session.proxies.setdefault(scheme, proxy)
    if session.verify is True:
        session.verify = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
    session.trust_env = False


def payfip_service(service_url):
    services = getattr(_local, "services", None)
    if services is None:
        services = _local.services = {}
    if service_url not in services:
        services[service_url] = PayFiPService(service_url=service_url)
    return services[service_url]


def payfip_backend(numcli, saisie, service_url, return_url, notification_url):
    """eopayment's ``payfip_ws`` backend for one régie's client number."""
    payment = eopayment.Payment(
        "payfip_ws",
        {
            "numcli": numcli,
            "saisie": saisie,
            "normal_return_url": return_url,
            "automatic_return_url": notification_url,
        },
    )
    payment.backend.payfip = payfip_service(service_url)
    return payment


def cents(amount):
    return int((Decimal(str(amount)) * 100).to_integral_value())
