from datetime import timedelta

from odoo import fields
from odoo.fields import Command

from .common import TeleserviceCommon
from .payfip_standin import PayFiPStandIn


class PayFiPCommon(TeleserviceCommon):
    """The canteen of the common catalogue paid to a régie by a grid by
    quotient familial per day; PayFiP is a stand-in on a loopback port, which
    the real eopayment client calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.standin = PayFiPStandIn().start()
        cls.addClassCleanup(cls.standin.stop)
        cls.eur = env.ref("base.EUR")
        cls.eur.active = True
        cls.regie = env["collectivite.regie"].create(
            {"name": "Régie enfance (test)", "code": "ENFT", "numcli": "123456"}
        )
        cls.provider = env.ref("teleservice_requests.payment_provider_payfip")
        cls.provider.write(
            {
                "state": "test",
                "is_published": True,
                "company_id": cls.company.id,
                "payfip_numcli": "111111",
                "payfip_saisie": "T",
                "payfip_service_url": cls.standin.service_url,
                "payfip_payment_url": cls.standin.payment_url,
                "payfip_timeout": 2,
            }
        )
        cls.field_days = cls.teleservice.field_ids.filtered(lambda f: f.key == "days")
        cls.teleservice.write(
            {
                "fee_type": "quotient",
                "regie_id": cls.regie.id,
                "fee_field_id": cls.field_days.id,
                "fee_counter_allowed": True,
                "fee_bracket_ids": [
                    Command.create(
                        {"name": "A", "quotient_min": 0, "quotient_max": 500, "amount": 2.0}
                    ),
                    Command.create(
                        {"name": "B", "quotient_min": 501, "quotient_max": 0, "amount": 4.5}
                    ),
                ],
            }
        )
        cls.household.write(
            {
                "quotient_familial": 420,
                "quotient_date_end": fields.Date.today() + timedelta(days=90),
            }
        )
        cls.citizen.partner_id.email = "camille.testeuse@example.org"

    @classmethod
    def _fee_request(cls, days="3", **values):
        request = cls._request(submit=False, **values)
        cls.env["collectivite.request.value"]._set_raw_values(
            request, {"child": "Léo", "days": days}
        )
        request.action_submit()
        return request

    def _start_online(self, request, provider=None):
        """What the portal's transaction route does, on the server side."""
        provider = provider or self.provider
        payment = (
            self.env["collectivite.payment"].sudo()._start(request, partner=self.citizen.partner_id)
        )
        Tx = self.env["payment.transaction"].sudo()
        tx = Tx.create(
            {
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_card").id,
                "reference": Tx._compute_reference(provider.code, prefix=payment.name),
                "amount": payment.amount,
                "currency_id": payment.currency_id.id,
                "partner_id": self.citizen.partner_id.id,
                "operation": "online_redirect",
                "collectivite_payment_id": payment.id,
            }
        )
        payment.transaction_id = tx
        processing = tx._get_processing_values()
        return payment, tx, processing

    def _notify(self, tx):
        """PayFiP's notification as the controller handles it."""
        return (
            self.env["payment.transaction"]
            .sudo()
            ._handle_notification_data("payfip", {"idop": tx.provider_reference})
        )
