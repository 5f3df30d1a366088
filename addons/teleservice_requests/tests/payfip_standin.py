"""A stand-in of PayFiP for the tests: its two SOAP operations
(``creerPaiementSecurise``, ``recupererDetailPaiementSecurise``, answers shaped
by the WSDL and schemas eopayment ships) and its payment page, on a loopback
port. The real eopayment client talks to it over HTTP.

PayFiP cannot be reached from the test machines; this is what it does, as far
as a client sees: an idOp per payment, a page where the citizen pays, refuses
or cancels, a notification (``idOp`` only) to ``urlnotif`` and a return to
``urlredirect``; the result is read with ``recupererDetailPaiementSecurise``
(fault P5 while unknown, P1 for an unknown idOp)."""

import contextlib
import html
import re
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import requests
from lxml import etree

NS_SERVICE = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
FAULT_STRING = "fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur"
REQUEST_FIELDS = (
    "exer",
    "mel",
    "montant",
    "numcli",
    "objet",
    "refdet",
    "saisie",
    "urlnotif",
    "urlredirect",
)
DETAIL_FIELDS = (
    "dattrans",
    "exer",
    "heurtrans",
    "idOp",
    "mel",
    "montant",
    "numauto",
    "numcli",
    "objet",
    "refdet",
    "resultrans",
    "saisie",
)


def _envelope(body):
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="{SOAP_ENV}"><S:Body>'
        f"{body}</S:Body></S:Envelope>"
    ).encode()


def _fields(values, names):
    return "".join(
        f"<{name}>{html.escape(str(values[name]))}</{name}>"
        for name in names
        if values.get(name) not in (None, "")
    )


class PayFiPStandIn:
    """Start with ``start()``, stop with ``stop()``. Knobs: ``delay`` (seconds
    before every SOAP answer), ``malformed`` (answers that are not SOAP),
    ``notify`` (post the notification when the citizen acts on the page)."""

    def __init__(self):
        self.payments = {}
        self.delay = 0
        self.malformed = False
        self.notify = True
        self.calls = []
        self.connections = 0
        self._server = None
        self._thread = None

    # ----------------------------------------------------------- life cycle
    def start(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            # An HTTP/1.1 server: persistent connections (every answer has its
            # Content-Length), answers written at once (no Nagle wait on the last bytes).
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def setup(self):
                super().setup()
                standin.connections += 1

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                standin._soap(self, body)

            def do_GET(self):
                standin._page(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A client's idle persistent connection does not hold up stop().
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def root(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    @property
    def service_url(self):
        return f"{self.root}/tpa/services/securite"

    @property
    def payment_url(self):
        return f"{self.root}/tpa/paiementws.web"

    # -------------------------------------------------------------- payments
    def settle(self, idop, resultrans, numauto="987654", when=None):
        """What the citizen did on PayFiP's page: P/V paid, R/Z refused, A cancelled."""
        when = (when or datetime.now(ZoneInfo("Europe/Paris"))).astimezone(ZoneInfo("Europe/Paris"))
        payment = self.payments[idop]
        payment.update(
            resultrans=resultrans,
            numauto=numauto if resultrans in ("P", "V") else "",
            dattrans=when.strftime("%d%m%Y"),
            heurtrans=when.strftime("%H%M"),
        )
        return payment

    def send_notification(self, idop, timeout=30):
        """PayFiP's server posting the notification (the idOp only) to urlnotif."""
        payment = self.payments[idop]
        return requests.post(payment["urlnotif"], data={"idOp": idop}, timeout=timeout)

    # ------------------------------------------------------------------ SOAP
    def _soap(self, handler, body):
        if self.delay:
            time.sleep(self.delay)
        if self.malformed:
            return self._reply(handler, 200, b"<html><body>Maintenance</body></html>", "text/html")
        try:
            doc = etree.fromstring(body)
        except etree.XMLSyntaxError:
            return self._reply(handler, 500, _envelope(self._fault("P0", "Requête illisible")))
        operation = doc.find(f"{{{SOAP_ENV}}}Body")[0]
        name = etree.QName(operation).localname
        arg0 = operation.find("arg0")
        values = {etree.QName(child).localname: child.text or "" for child in arg0}
        self.calls.append((name, values))
        if name == "creerPaiementSecurise":
            status, answer = self._create(values)
        elif name == "recupererDetailPaiementSecurise":
            status, answer = self._detail(values)
        else:
            status, answer = 500, self._fault("P0", "Opération inconnue")
        return self._reply(handler, status, _envelope(answer))

    def _create(self, values):
        checks = (
            (re.fullmatch(r"\d{6}", values.get("numcli", "")), "P2", "Numéro client inconnu"),
            (values.get("saisie") in ("T", "X", "W"), "P3", "Type de saisie invalide"),
            (re.fullmatch(r"\d{3,}", values.get("montant", "")), "P4", "Montant invalide"),
            (re.fullmatch(r"[A-Za-z0-9]{1,30}", values.get("refdet", "")), "P6", "Refdet invalide"),
            ("@" in values.get("mel", ""), "P7", "Adresse mél invalide"),
            (values.get("urlnotif") and values.get("urlredirect"), "P8", "URL manquante"),
        )
        for ok, code, label in checks:
            if not ok:
                return 500, self._fault(code, label)
        idop = str(uuid.uuid4())
        self.payments[idop] = {
            **{name: values.get(name, "") for name in REQUEST_FIELDS},
            "idOp": idop,
            "resultrans": None,
        }
        return 200, (
            f'<ns2:creerPaiementSecuriseResponse xmlns:ns2="{NS_SERVICE}">'
            f"<return><idOp>{idop}</idOp></return></ns2:creerPaiementSecuriseResponse>"
        )

    def _detail(self, values):
        payment = self.payments.get(values.get("idOp"))
        if payment is None:
            return 500, self._fault("P1", "IdOp incorrect")
        if not payment["resultrans"]:
            return 500, self._fault("P5", "Résultat de la transaction non connu")
        return 200, (
            f'<ns2:recupererDetailPaiementSecuriseResponse xmlns:ns2="{NS_SERVICE}">'
            f"<return>{_fields(payment, DETAIL_FIELDS)}</return>"
            "</ns2:recupererDetailPaiementSecuriseResponse>"
        )

    @staticmethod
    def _fault(code, label):
        return (
            f"<S:Fault><faultcode>S:Server</faultcode><faultstring>{FAULT_STRING}</faultstring>"
            f'<detail><ns2:FonctionnelleErreur xmlns:ns2="{NS_SERVICE}"><code>{code}</code>'
            f"<descriptif>{html.escape(label)}</descriptif><libelle>{html.escape(label)}</libelle>"
            "<severite>2</severite></ns2:FonctionnelleErreur></detail></S:Fault>"
        )

    @staticmethod
    def _reply(handler, status, body, content_type="text/xml; charset=utf-8"):
        # The client may have given up waiting (the timeout tests).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

    # ---------------------------------------------------------- payment page
    def _page(self, handler):
        url = urlsplit(handler.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        payment = self.payments.get(query.get("idop"))
        if url.path != "/tpa/paiementws.web" or payment is None:
            return self._reply(handler, 404, b"idop inconnu", "text/plain")
        action = query.get("action")
        if action in ("P", "R", "A"):
            self.settle(payment["idOp"], action)
            if self.notify:
                self.send_notification(payment["idOp"])
            # Back to the collectivité's site, the idOp posted by the browser.
            body = (
                "<!DOCTYPE html><html lang='fr'><head><title>Retour</title></head><body>"
                f"<form id='back' method='post' action='{html.escape(payment['urlredirect'])}'>"
                f"<input type='hidden' name='idOp' value='{payment['idOp']}'/>"
                "<button type='submit'>Retour au site</button></form>"
                "<script>document.getElementById('back').submit();</script></body></html>"
            ).encode()
            return self._reply(handler, 200, body, "text/html; charset=utf-8")
        amount = int(payment["montant"]) / 100
        links = "".join(
            f"<a class='btn' id='payfip_{code}' "
            f"href='?{urlencode({'idop': payment['idOp'], 'action': code})}'>"
            f"{label}</a> "
            for code, label in (("P", "Payer"), ("R", "Refus de la banque"), ("A", "Abandonner"))
        )
        body = (
            "<!DOCTYPE html><html lang='fr'><head><title>PayFiP (simulation)</title></head><body>"
            f"<h1>Paiement de {amount:.2f} €</h1><p>{html.escape(payment['objet'] or '')}</p>"
            f"{links}</body></html>"
        ).encode()
        return self._reply(handler, 200, body, "text/html; charset=utf-8")
