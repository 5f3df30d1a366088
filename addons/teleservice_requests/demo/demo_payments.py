"""Demo fees: a canteen enrolment of each demo household, submitted and
awaiting payment; the Benalis' is paid at the counter by the agent.

Called by ``demo/payment_demo.xml`` (``<function>``): databases without demo
data never run it."""

from odoo import api, models


class CollectivitePaymentDemo(models.AbstractModel):
    _name = "collectivite.payment.demo"
    _description = "Demo payments generator"

    @api.model
    def _create_payments(self):
        ref = self.env.ref
        canteen = ref("teleservice_requests.teleservice_canteen")
        households = ref("household_accounts.household_martin") | ref(
            "household_accounts.household_benali"
        )
        requests = self.env["collectivite.request"].create(
            [
                {
                    "teleservice_id": canteen.id,
                    "channel": "portal",
                    "household_id": household.id,
                    "requester_id": household.responsible_id.id,
                    "subject_id": (
                        household.member_ids.filtered(lambda m: m.household_role == "child")[:1]
                        or household.responsible_id
                    ).id,
                }
                for household in households
            ]
        )
        self.env["collectivite.request.demo"]._fill_values(requests)
        requests.action_submit()
        agent = ref("collectivite_base.user_agent")
        requests[1:].with_user(agent).action_record_counter_payment()
        return requests
