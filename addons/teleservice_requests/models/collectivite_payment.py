import logging

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move

_logger = logging.getLogger(__name__)

# The state follows the provider's transaction: only the server moves it.
SETTLE = Move(by_write=False)
VALIDATE = Move(by_write=False, effects="_on_validated")
# A transaction state, once changed, gives the payment's.
TX_STATES = {"done": "validated", "cancel": "cancelled", "error": "refused"}
# A PayFiP idOp lives 15 minutes: a payment started more recently may still be paid.
IN_PROGRESS_MINUTES = 20
# What the checks and the new payment read of the request, its téléservice and
# its company: fetched alone, not with every column of these wide records.
START_FIELDS = {
    "collectivite.request": [
        "name",
        "payment_state",
        "teleservice_id",
        "company_id",
        "household_id",
        "requester_id",
    ],
    "collectivite.teleservice": [
        "name",
        "fee_type",
        "fee_amount",
        "fee_field_id",
        "fee_counter_allowed",
        "regie_id",
    ],
    "res.company": ["collectivite_payment_online", "collectivite_payment_message"],
}
SEQUENCE_CODE = "collectivite.payment"
# What ir.sequence's _next reads of the sequence: found and read in one query.
SEQUENCE_FIELDS = [
    "name",
    "implementation",
    "use_date_range",
    "prefix",
    "suffix",
    "padding",
    "number_increment",
]


class CollectivitePayment(models.Model):
    """A payment of a request's fee to a régie: online (a provider's
    transaction), at a borne or at the counter. Its state follows the
    transaction: initialised, then validated, refused or cancelled."""

    _name = "collectivite.payment"
    _description = "Payment"
    _inherit = ["collectivite.state.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    request_id = fields.Many2one(
        "collectivite.request", required=True, index=True, readonly=True, ondelete="restrict"
    )
    teleservice_id = fields.Many2one(related="request_id.teleservice_id", store=True, index=True)
    household_id = fields.Many2one("collectivite.household", index=True, readonly=True)
    household_name = fields.Char(
        related="household_id.name", string="Account number", store=True, index=True
    )
    partner_id = fields.Many2one("res.partner", "Payer", index=True, readonly=True)
    partner_name = fields.Char(
        related="partner_id.name", string="Payer name", store=True, index=True
    )
    regie_id = fields.Many2one(
        "collectivite.regie", "Régie", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(related="regie_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount = fields.Monetary(required=True, readonly=True)
    means = fields.Selection(
        [("internet", "Internet"), ("borne", "Borne"), ("guichet", "Counter")],
        required=True,
        default="internet",
        readonly=True,
        index=True,
    )
    state = fields.Selection(
        [
            ("initialised", "Initialised"),
            ("validated", "Validated payment"),
            ("refused", "Refused payment"),
            ("cancelled", "Cancelled payment"),
        ],
        required=True,
        default="initialised",
        readonly=True,
        index=True,
        copy=False,
    )
    transaction_id = fields.Many2one("payment.transaction", readonly=True, index="btree_not_null")
    provider_id = fields.Many2one(related="transaction_id.provider_id", string="Provider")
    numauto = fields.Char("Authorisation number", readonly=True, copy=False)
    date = fields.Date(required=True, readonly=True, index=True, default=lambda self: self._today())
    date_payment = fields.Datetime("Paid on", readonly=True, copy=False)
    agent_id = fields.Many2one("res.users", "Recorded by", readonly=True)

    _state_moves = {
        "state": {
            ("initialised", "validated"): VALIDATE,
            ("initialised", "refused"): SETTLE,
            ("initialised", "cancelled"): SETTLE,
            # A late answer of the provider wins over an earlier refusal.
            ("refused", "validated"): VALIDATE,
            ("cancelled", "validated"): VALIDATE,
        },
    }

    def init(self):
        super().init()
        cr, table = self.env.cr, self._table
        for name, columns in (
            ("regie_date_state", ["regie_id", "date", "state"]),
            ("state_date", ["state", "date", "id"]),
            ("request_state", ["request_id", "state"]),
        ):
            create_index(cr, f"{table}_{name}_idx", table, columns)
        # Payers searched by a part of their name (the btree index sorts them).
        if self.pool.has_trigram:
            create_index(
                cr,
                f"{table}_partner_name_trgm_idx",
                table,
                ["partner_name gin_trgm_ops"],
                method="gin",
            )
        cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN partner_name SET STATISTICS 1000",
                SQL.identifier(table),
            )
        )

    @api.model
    def _today(self):
        """The régie's day: the collectivité's time zone, whoever pays (a citizen's own
        time zone, or none, would date a payment made after midnight on the day before)."""
        return fields.Date.context_today(self.with_context(tz=self._company_tz()))

    @api.model
    def _company_tz(self):
        """The time zone of the company's address, else of its working time, else Paris:
        two columns read in one query, not the company, its partner and its calendar whole."""
        company = self.env.company
        Calendar = self.env["resource.calendar"]
        self.env["res.company"].flush_model(["partner_id", "resource_calendar_id"])
        self.env["res.partner"].flush_model(["tz"])
        Calendar.flush_model(["tz"])
        self.env.cr.execute(
            SQL(
                "SELECT p.tz, c.tz FROM %s co LEFT JOIN %s p ON p.id = co.partner_id "
                "LEFT JOIN %s c ON c.id = co.resource_calendar_id WHERE co.id = %s",
                SQL.identifier(company._table),
                SQL.identifier(self.env["res.partner"]._table),
                SQL.identifier(Calendar._table),
                company.id,
            )
        )
        row = self.env.cr.fetchone() or (None, None)
        return row[0] or row[1] or "Europe/Paris"

    @api.model_create_multi
    def create(self, vals_list):
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        if unnamed:
            sequence = self._name_sequence()
            for vals in unnamed:
                vals["name"] = (sequence and sequence._next()) or "/"
        return super().create(vals_list)

    @api.model
    def _name_sequence(self):
        """The sequence ``ir.sequence.next_by_code`` would draw the names from (the
        company's, else the shared one), found and read in one query, not two."""
        Sequence = self.env["ir.sequence"]
        Sequence.browse().check_access("read")
        return Sequence.search_fetch(
            [("code", "=", SEQUENCE_CODE), ("company_id", "in", [self.env.company.id, False])],
            SEQUENCE_FIELDS,
            order="company_id",
            limit=1,
        )

    @api.depends("name", "amount")
    def _compute_display_name(self):
        for payment in self:
            payment.display_name = payment.name

    # --------------------------------------------------------------- settling
    def _settle_from_transactions(self):
        """Give each payment the state of its transaction (once it is final)."""
        for payment in self:
            tx = payment.transaction_id
            target = TX_STATES.get(tx.state)
            if not target or target == payment.state:
                continue
            if (payment.state, target) not in self._state_moves["state"]:
                _logger.warning(
                    "payment %s: transaction %s went %s, the payment stays %s",
                    payment.name,
                    tx.reference,
                    tx.state,
                    payment.state,
                )
                continue
            values = {}
            if target == "validated":
                values = {
                    "numauto": tx.payfip_numauto or tx.provider_reference,
                    "date_payment": tx.payfip_date_paid or fields.Datetime.now(),
                }
            payment._move(target, values)

    def _on_validated(self):
        self.request_id._payment_validated(self)

    # ------------------------------------------------------------- creation
    @api.model
    def _start(self, request, means="internet", partner=None):
        """A new payment of ``request``'s fee, its amount computed here.

        Refused (French message, nothing stored) when the request is not
        awaiting payment, is already paid or has a payment in progress."""
        request.ensure_one()
        # One payment at a time per request, even from two tabs at once.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id = %s FOR UPDATE",
                SQL.identifier(request._table),
                request.id,
            )
        )
        request.invalidate_recordset(["payment_state"])
        request.fetch(START_FIELDS[request._name])
        # sudo: the fee and the payment settings, read for the server's own checks below
        # (the caller checked its access to the request); nothing goes back to the client
        request.teleservice_id.sudo().fetch(START_FIELDS["collectivite.teleservice"])
        request.company_id.sudo().fetch(START_FIELDS["res.company"])  # sudo: as above
        amount = request._check_payable(means)
        return self.create(
            {
                "request_id": request.id,
                "household_id": request.household_id.id,
                "partner_id": (partner or request.requester_id).id,
                "regie_id": request.teleservice_id.regie_id.id,
                "currency_id": request.teleservice_id.fee_currency_id.id,
                "amount": amount,
                "means": means,
                "agent_id": self.env.uid if means != "internet" else False,
            }
        )

    def _in_progress(self):
        """Payments that may still be paid by the citizen on the provider's page."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), minutes=IN_PROGRESS_MINUTES)
        # sudo: only the state of these payments' own transactions is read
        return self.sudo().filtered(
            lambda p: (
                p.state == "initialised"
                and p.transaction_id.state in ("draft", "pending")
                and p.create_date >= limit
            )
        )
