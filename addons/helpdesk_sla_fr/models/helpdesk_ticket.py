"""The ticket under a service contract: its classification (impact, blocking,
type, product), and the one guard of what a client may write. Each concern of
the contract lives in its own ``helpdesk_ticket_*.py`` file."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.collectivite_base.markers import is_marked, server_marks

from .helpdesk_priority_matrix import IMPACTS
from .helpdesk_ticket_kpi import KPI_FIELDS

# Fields only the requalification wizard may change on a ticket under contract.
REQUALIFY_FIELDS = ("impact", "is_blocking", "priority")
# Fields only the server writes (under the ``sla_internal`` marker): deadlines,
# statuses, KPIs, the requester's feedback (declared in the files of their
# concern). A client never sends them.
SERVER_FIELDS = frozenset(
    [
        "sla_contract_id",
        "is_oncall",
        "date_response_due",
        "date_resolution_due",
        "date_sla_deadline",
        "date_sla_at_risk",
        "sla_status",
        "date_first_response",
        "date_sla_paused",
        "sla_paused_hours",
        "escalation_level",
        "date_escalation_notified",
        "sla_mail_pending",
        "sla_rating",
        "sla_remark",
        "date_remark",
        "response_hours",
        "resolution_hours",
        "closed_date",
        *KPI_FIELDS,
    ]
)
# The SLA start may be given when a ticket is logged (a phone call's time),
# never moved afterwards.
SERVER_FIELDS_AFTER_CREATE = SERVER_FIELDS | {"date_sla_start"}


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # OCA fields: indexes for the portal rule and the SLA, history of requalifications.
    partner_id = fields.Many2one(index=True)
    priority = fields.Selection(tracking=True)

    sla_contract_id = fields.Many2one(
        "helpdesk.sla.contract",
        string="Service contract",
        index=True,
        copy=False,
        readonly=True,
        tracking=True,
    )
    impact = fields.Selection(IMPACTS, default="medium", tracking=True)
    is_blocking = fields.Boolean(string="Blocking", tracking=True)
    ticket_type = fields.Selection(
        [("incident", "Incident"), ("evolution", "Evolution request")],
        string="Type",
        default="incident",
        required=True,
        tracking=True,
        help="Evolution requests go to the product owner and have no incident deadline.",
    )
    product_id = fields.Many2one("helpdesk.ticket.product", index=True, tracking=True)
    component_id = fields.Many2one(
        "helpdesk.ticket.component",
        index=True,
        domain="[('product_id', '=?', product_id)]",
        tracking=True,
    )
    is_outage = fields.Boolean(string="Outage", help="The ticket reports a service outage.")
    is_oncall = fields.Boolean(
        string="On-call", readonly=True, copy=False, help="Handled on the on-call calendar."
    )

    @api.model_create_multi
    def create(self, vals_list):
        model = self
        if not is_marked("sla_internal"):
            self._sla_check_server_fields(
                {name for vals in vals_list for name in vals} & SERVER_FIELDS
            )
            # nor through defaults a client puts in the context: those keys are
            # removed (the whole context is given, hence no kwargs)
            defaults = {f"default_{name}" for name in SERVER_FIELDS} & set(self.env.context)
            if defaults:
                context = {k: v for k, v in self.env.context.items() if k not in defaults}
                model = self.with_context(context)  # pylint: disable=context-overridden
        contracts = model._sla_prepare_vals(vals_list)
        with server_marks("sla_internal"):
            tickets = super(HelpdeskTicket, model).create(vals_list).with_env(self.env)
        if any(vals.get("sla_mail_pending") for vals in vals_list):
            self.env.ref("helpdesk_sla_fr.ir_cron_sla_send_mails")._trigger()
        if any(contracts):
            tickets.filtered("is_oncall")._sla_notify_oncall()
            tickets.filtered(lambda t: t.is_outage and t.sla_contract_id)._sla_open_outages()
        return tickets

    # ------------------------------------------------------------------
    # What a client may write
    # ------------------------------------------------------------------

    def _sla_check_server_fields(self, names):
        """Refuse a client's values for fields only the server writes."""
        if not names:
            return
        labels = sorted(self._fields[name].get_description(self.env)["string"] for name in names)
        raise AccessError(
            self.env._(
                "These fields of a ticket are set by the service contract and the "
                "requester's feedback only, never directly: %(fields)s.",
                fields=", ".join(labels),
            )
        )

    def _sla_check_requalify(self, vals):
        if is_marked("sla_requalify") or is_marked("sla_internal"):
            return
        changed = [name for name in REQUALIFY_FIELDS if name in vals]
        if not changed:
            return
        for ticket in self:
            if not ticket.sla_contract_id:
                continue
            field = ticket._fields
            if any(
                field[name].convert_to_cache(vals[name], ticket) != ticket[name] for name in changed
            ):
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s is under the contract %(contract)s: its "
                        "priority, impact and blocking status change only through a "
                        "requalification with a reason.",
                        ticket=ticket.display_name,
                        contract=ticket.sla_contract_id.name,
                    )
                )

    def write(self, vals):
        if is_marked("sla_internal"):
            return super().write(vals)
        self._sla_check_server_fields(SERVER_FIELDS_AFTER_CREATE & set(vals))
        self._sla_check_requalify(vals)
        result = super().write(vals)
        if "team_id" in vals or "partner_id" in vals:
            self._sla_reassign_contract()
        if "stage_id" in vals:
            self.filtered("sla_contract_id")._sla_on_stage_change()
        return result
