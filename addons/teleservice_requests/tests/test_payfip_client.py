import os
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.teleservice_requests.payfip_client import PayFiPService

from .payfip_common import PayFiPCommon

PROXY = "http://proxy.example.org:3128"


@tagged("post_install", "-at_install")
class TestPayFiPClient(PayFiPCommon):
    """The SOAP client of a PayFiP address is made once per thread: its WSDL
    parsed once, its connection kept between payments, the environment's HTTP
    settings read once."""

    def test_connection_kept_between_payments(self):
        self._start_online(self._fee_request())
        opened = self.standin.connections
        calls = len(self.standin.calls)
        for _i in range(3):
            _payment, tx, values = self._start_online(self._fee_request())
            self.assertIn(tx.provider_reference, values["redirect_form_html"])
        self.assertEqual(len(self.standin.calls), calls + 3)
        self.assertEqual(self.standin.connections, opened)

    def test_environment_read_once(self):
        environ = {"HTTPS_PROXY": PROXY, "NO_PROXY": "127.0.0.1", "REQUESTS_CA_BUNDLE": "/ca.pem"}
        with patch.dict(os.environ, environ):
            remote = PayFiPService(service_url="https://payfip.example.org/tpa/services/securite")
            remote_session = remote.client.transport.session
            local = PayFiPService(service_url=self.standin.service_url)
            local_session = local.client.transport.session
        self.assertFalse(remote_session.trust_env)
        self.assertEqual(remote_session.proxies.get("https"), PROXY)
        self.assertEqual(remote_session.verify, "/ca.pem")
        # The address that bypasses the proxy keeps bypassing it.
        self.assertFalse(local_session.trust_env)
        self.assertNotIn("https", local_session.proxies)
        self.assertNotIn("http", local_session.proxies)
