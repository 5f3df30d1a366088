import logging

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move

from .collectivite_request_life_cycle import AGENT_GROUP
from .collectivite_request_life_cycle import CollectiviteRequest as LifeCycle

_logger = logging.getLogger(__name__)

# The payment state is the server's: set by the submission, settled by a payment.
PAYMENT_MOVES = {
    ("none", "awaiting"): Move(by_write=False),
    ("awaiting", "paid"): Move(by_write=False),
}


class CollectiviteRequest(models.Model):
    """The fee of a request: once submitted, a request whose téléservice has a
    fee is "awaiting payment" until a payment of it is validated."""

    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    _state_moves = {**LifeCycle._state_moves, "payment_state": PAYMENT_MOVES}

    payment_state = fields.Selection(
        [("none", "No payment"), ("awaiting", "Awaiting payment"), ("paid", "Paid")],
        required=True,
        default="none",
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    payment_ids = fields.One2many("collectivite.payment", "request_id", string="Payments")
    payment_amount = fields.Monetary(
        "Amount due", compute="_compute_payment_amount", currency_field="payment_currency_id"
    )
    payment_currency_id = fields.Many2one(related="teleservice_id.fee_currency_id")
    payment_counter_allowed = fields.Boolean(related="teleservice_id.fee_counter_allowed")

    @api.depends("teleservice_id", "household_id", "value_ids", "payment_state")
    def _compute_payment_amount(self):
        for request in self:
            request.payment_amount = request._payment_amount()

    # ------------------------------------------------------------- the amount
    def _payment_amount(self):
        """The amount due, always computed here from the téléservice's fee, the
        request's form and the household's quotient familial."""
        self.ensure_one()
        teleservice = self.teleservice_id.sudo()  # sudo: the fee is public, the grid too
        fee_type = teleservice.fee_type
        if not teleservice or fee_type == "none":
            return 0.0
        count = 1
        if teleservice.fee_field_id:
            line = self.sudo().value_ids.filtered(  # sudo: read own form to count its items
                lambda v: v.field_id == teleservice.fee_field_id
            )[:1]
            if teleservice.fee_field_id.field_type == "number":
                count = max(int(line.value_number or 0), 0)
            else:
                count = len(line.value_choice_ids) or (1 if line.value_choice_id else 0)
        if fee_type == "fixed":
            unit = teleservice.fee_amount
            count = 1
        elif fee_type == "per_item":
            unit = teleservice.fee_amount
        else:
            household = self.household_id.sudo()  # sudo: the quotient is agents' data
            when = fields.Date.context_today(self)
            unit = teleservice._fee_bracket(household, when).amount
        return teleservice.fee_currency_id.round(unit * count)

    # ---------------------------------------------------------- the life cycle
    def _on_submitted(self):
        result = super()._on_submitted()
        self._payment_request()
        return result

    def _payment_request(self):
        """After SUBMIT: requests whose téléservice has a fee await payment (the
        hook the portal's submission calls, idempotent)."""
        to_pay = self.filtered(
            lambda r: r.payment_state == "none" and r.teleservice_id.fee_type != "none"
        )
        if to_pay:
            # sudo: the server's own move, the submission was checked by its guard
            to_pay.sudo()._move("awaiting", field="payment_state")
        return to_pay

    def _check_payable(self, means="internet"):
        """Refuse (French message) a new payment of this request; else the
        amount due."""
        self.ensure_one()
        if self.payment_state == "paid" or "validated" in self.payment_ids.mapped("state"):
            raise UserError(self.env._("Request %(request)s is already paid.", request=self.name))
        if self.payment_state != "awaiting":
            raise UserError(
                self.env._("Request %(request)s is not awaiting payment.", request=self.name)
            )
        if self.payment_ids._in_progress():
            raise UserError(
                self.env._(
                    "A payment of request %(request)s is in progress: wait for its result "
                    "before paying again.",
                    request=self.name,
                )
            )
        if means != "internet" and not self.teleservice_id.fee_counter_allowed:
            raise UserError(
                self.env._(
                    "%(teleservice)s cannot be paid at the counter.",
                    teleservice=self.teleservice_id.name,
                )
            )
        if means == "internet" and not self.company_id.collectivite_payment_online:
            raise UserError(
                self.company_id.collectivite_payment_message
                or self.env._("Online payment is not available.")
            )
        amount = self._payment_amount()
        if amount <= 0:
            raise UserError(
                self.env._("Request %(request)s has nothing to pay.", request=self.name)
            )
        return amount

    def _payment_validated(self, payments):
        """A payment of these requests was validated: they are paid, and their
        history says so."""
        for request in self:
            payment = payments.filtered(lambda p, r=request: p.request_id == r)[:1]
            if request.payment_state == "awaiting":
                # sudo: the server's own move, after the provider's validation
                request.sudo()._move("paid", field="payment_state")
            elif request.payment_state == "paid":
                _logger.warning("request %s paid twice (payment %s)", request.name, payment.name)
            body = escape(
                request.env._(
                    "Payment %(payment)s of %(amount)s validated (%(means)s, authorisation "
                    "%(numauto)s).",
                    payment=payment.name,
                    amount=format_amount(request.env, payment.amount, payment.currency_id),
                    means=payment._state_label(payment.means, "means"),
                    numauto=payment.numauto or "-",
                )
            )
            request.sudo().with_context(  # sudo: history written by the server
                lang=request._system_lang(request.company_id)
            )._system_log(body)

    # ------------------------------------------------------------ the counter
    def action_record_counter_payment(self, means="guichet"):
        """The agent records the fee paid at the counter (or at a borne)."""
        self.ensure_one()
        if means not in ("guichet", "borne"):
            raise UserError(self.env._("Unknown means of payment."))
        if not self.env.user.has_group(AGENT_GROUP):
            raise AccessError(self.env._("Only agents record payments at the counter."))
        self.check_access("write")
        payment = (
            self.env["collectivite.payment"]
            .sudo()
            ._start(  # sudo: checked above
                self, means=means, partner=self.requester_id
            )
        )
        payment._move("validated", {"date_payment": fields.Datetime.now()})
        return True

    def action_record_borne_payment(self):
        return self.action_record_counter_payment("borne")

    def action_view_payments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "teleservice_requests.collectivite_payment_action"
        )
        action["domain"] = [("request_id", "=", self.id)]
        action["context"] = {}
        return action
