from typing import NamedTuple

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from .helpdesk_priority_matrix import IMPACTS

# Contract fields the cached terms (``_sla_terms``) are read from.
TERMS_FIELDS = {
    "team_id",
    "active",
    "sequence",
    "company_id",
    "partner_ids",
    "require_referent",
    "calendar_id",
    "oncall_calendar_id",
    "send_acknowledgement",
    "matrix_ids",
    "target_ids",
}


class SlaTerms(NamedTuple):
    """What ticket creation reads of a contract, kept in the registry cache."""

    team_id: int
    # active customer organisations (``partner_ids`` as the ORM shows them)
    partner_ids: frozenset
    require_referent: bool
    calendar_id: int
    oncall_calendar_id: int
    send_acknowledgement: bool
    # ((impact, is_blocking, priority), ...)
    matrix: tuple
    # ((priority, kind, amount, unit), ...)
    targets: tuple


class HelpdeskSlaContract(models.Model):
    """A service contract binding a helpdesk team (and optionally some
    customer organisations) to working-time deadlines."""

    _name = "helpdesk.sla.contract"
    _description = "Helpdesk service contract"
    # its cached terms (``_sla_terms``) are cleared by changes of TERMS_FIELDS
    _inherit = ["mail.thread", "collectivite.registry.cache.source"]
    _order = "sequence, name, id"
    _registry_cache_fields = frozenset(TERMS_FIELDS)

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team", required=True, index=True, tracking=True, check_company=True
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "helpdesk_sla_contract_customer_rel",
        "contract_id",
        "partner_id",
        string="Customer organisations",
        help="Leave empty for a contract covering every requester of the team.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business calendar",
        required=True,
        default=lambda self: (
            self.env.company.collectivite_calendar_id or self.env.company.resource_calendar_id
        ),
        tracking=True,
    )
    matrix_ids = fields.One2many("helpdesk.priority.matrix", "contract_id", copy=True)
    target_ids = fields.One2many("helpdesk.sla.target", "contract_id", copy=True)
    escalation_ids = fields.One2many("helpdesk.sla.escalation", "contract_id", copy=True)
    at_risk_share = fields.Float(
        string="At risk after (%)",
        default=75.0,
        help="Share of the allowed working time after which a ticket is at risk.",
    )
    first_contact_objective = fields.Float(string="First-contact resolution objective (%)")
    # Référents
    require_referent = fields.Boolean(
        help="Tickets of a customer organisation must come from one of its référents."
    )
    referent_ids = fields.Many2many(
        "res.partner",
        "helpdesk_sla_contract_referent_rel",
        "contract_id",
        "partner_id",
        string="Référents",
    )
    # Mails
    send_acknowledgement = fields.Boolean(
        string="Acknowledgement mail", help="Send a mail with the due date at creation."
    )
    send_closing_mail = fields.Boolean(string="Closing mail")
    remark_days = fields.Integer(
        string="Remarks accepted during (days)",
        default=8,
        help="Calendar days after resolution during which the requester may rate "
        "the ticket or leave a remark.",
    )
    # On-call
    oncall_calendar_id = fields.Many2one("resource.calendar", string="On-call calendar")
    oncall_user_id = fields.Many2one("res.users", string="On-call agent")
    # Availability
    availability_calendar_id = fields.Many2one("resource.calendar", string="Availability calendar")
    availability_objective = fields.Float(string="Availability objective (%)")
    # Phone desk
    phone_loss_objective = fields.Float(string="Maximum call loss rate (%)")
    phone_pickup_seconds = fields.Integer(string="Pick-up within (seconds)", default=30)
    phone_pickup_objective = fields.Float(string="Calls picked up in time objective (%)")
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    _sql_constraints = [
        (
            "at_risk_share_range",
            "CHECK(at_risk_share > 0 AND at_risk_share < 100)",
            "The at-risk share must be between 0 and 100 %.",
        ),
        ("remark_days_positive", "CHECK(remark_days >= 0)", "Remark days cannot be negative."),
    ]

    @api.model
    @tools.ormcache("team_id")
    def _contract_ids_of_team(self, team_id):
        """Active contracts of a team, in order (cached: read at every ticket
        creation; cleared when contracts change)."""
        return tuple(self.sudo().search([("team_id", "=", team_id)]).ids)

    @api.model
    @tools.ormcache("contract_id")
    def _sla_terms(self, contract_id):
        """The :class:`SlaTerms` of a contract (cached: read at every ticket
        creation; cleared when a contract, a matrix cell or a target changes,
        and when a customer organisation of a contract is archived or deleted)."""
        # sudo: the contract's terms are the same whoever opens a ticket.
        contract = self.sudo().browse(contract_id)
        return SlaTerms(
            team_id=contract.team_id.id,
            partner_ids=frozenset(contract.partner_ids.ids),
            require_referent=contract.require_referent,
            calendar_id=contract.calendar_id.id,
            oncall_calendar_id=contract.oncall_calendar_id.id,
            send_acknowledgement=contract.send_acknowledgement,
            matrix=tuple(
                (cell.impact, cell.is_blocking, cell.priority) for cell in contract.matrix_ids
            ),
            targets=tuple(
                (target.priority, target.kind, target.amount, target.unit)
                for target in contract.target_ids
            ),
        )

    @api.model
    @tools.ormcache()
    def _sla_contract_partner_ids(self):
        """Ids of the customer organisations of all contracts (cached), whose
        archiving or deletion clears the cached terms."""
        # sudo: every contract, archived ones included, whoever changes a partner
        contracts = self.sudo().with_context(active_test=False).search([])
        return frozenset(contracts.partner_ids.ids)

    def _compute_ticket_count(self):
        groups = self.env["helpdesk.ticket"]._read_group(
            [("sla_contract_id", "in", self.ids)], ["sla_contract_id"], ["__count"]
        )
        counts = {contract.id: count for contract, count in groups}
        for contract in self:
            contract.ticket_count = counts.get(contract.id, 0)

    @api.constrains(
        "first_contact_objective",
        "availability_objective",
        "phone_loss_objective",
        "phone_pickup_objective",
    )
    def _check_objectives(self):
        names = (
            "first_contact_objective",
            "availability_objective",
            "phone_loss_objective",
            "phone_pickup_objective",
        )
        for contract in self:
            for name in names:
                if not 0 <= contract[name] <= 100:
                    raise ValidationError(
                        self.env._(
                            "Contract %(contract)s: “%(field)s” must be between 0 and 100 %%.",
                            contract=contract.name,
                            field=self._fields[name].get_description(self.env)["string"],
                        )
                    )

    @api.constrains("matrix_ids")
    def _check_matrix(self):
        """Every impact × blocking cell must give a priority."""
        impacts = dict(
            self.env["helpdesk.priority.matrix"]._fields["impact"]._description_selection(self.env)
        )
        cells = {(impact, blocking) for impact, _label in IMPACTS for blocking in (True, False)}
        for contract in self:
            present = {(cell.impact, cell.is_blocking) for cell in contract.matrix_ids}
            missing = sorted(cells - present)
            if missing:
                impact, blocking = missing[0]
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: the priority matrix has no cell for "
                        "impact “%(impact)s”, %(blocking)s.",
                        contract=contract.name,
                        impact=impacts[impact],
                        blocking=self.env._("blocking") if blocking else self.env._("not blocking"),
                    )
                )

    def _priority_for(self, impact, is_blocking):
        """Priority given by the matrix (contract ensured complete)."""
        self.ensure_one()
        for cell in self.matrix_ids:
            if cell.impact == impact and cell.is_blocking == bool(is_blocking):
                return cell.priority
        return False

    def _matrix_map(self):
        """{(contract_id, impact, is_blocking): priority} for all of self."""
        return {
            (contract_id, impact, is_blocking): priority
            for contract_id in self.ids
            for impact, is_blocking, priority in self._sla_terms(contract_id).matrix
        }

    def _target_map(self):
        """{(contract_id, priority, kind): (amount, unit)} for all of self."""
        return {
            (contract_id, priority, kind): (amount, unit)
            for contract_id in self.ids
            for priority, kind, amount, unit in self._sla_terms(contract_id).targets
        }

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("sla_contract_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------

    def _kpi_values(self, date_from, date_to):
        """Indicators of each contract of ``self`` for tickets opened in
        [date_from, date_to): {contract_id: {...}}. A few grouped queries for
        all contracts, never one per ticket."""
        Ticket = self.env["helpdesk.ticket"]
        domain = [
            ("sla_contract_id", "in", self.ids),
            ("create_date", ">=", date_from),
            ("create_date", "<", date_to),
        ]
        result = {
            contract.id: {
                "count": 0,
                "closed": 0,
                "response_mean": 0.0,
                "resolution_mean": 0.0,
                "response_median": 0.0,
                "resolution_median": 0.0,
                "first_contact": 0.0,
                "targets": [],
                "backlog": [],
                "availability": 100.0,
                "calls": 0,
                "call_loss": 0.0,
                "call_pickup": 0.0,
            }
            for contract in self
        }
        for contract, count, response, resolution, first_contact in Ticket._read_group(
            domain,
            ["sla_contract_id"],
            ["__count", "response_hours:avg", "resolution_hours:avg", "kpi_first_contact:avg"],
        ):
            result[contract.id].update(
                count=count,
                response_mean=response or 0.0,
                resolution_mean=resolution or 0.0,
                first_contact=first_contact or 0.0,
            )
        for contract, count in Ticket._read_group(
            domain + [("closed_date", "!=", False)], ["sla_contract_id"], ["__count"]
        ):
            result[contract.id]["closed"] = count
        self.env.cr.execute(
            """
            SELECT sla_contract_id,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY response_hours),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_hours)
              FROM helpdesk_ticket
             WHERE sla_contract_id IN %s AND create_date >= %s AND create_date < %s AND active
             GROUP BY sla_contract_id
            """,
            (tuple(self.ids), date_from, date_to),
        )
        for contract_id, response, resolution in self.env.cr.fetchall():
            result[contract_id].update(
                response_median=response or 0.0, resolution_median=resolution or 0.0
            )
        rates = {
            (contract.id, priority): (response, resolution)
            for contract, priority, response, resolution in Ticket._read_group(
                domain,
                ["sla_contract_id", "priority"],
                ["kpi_response_in_time:avg", "kpi_resolution_in_time:avg"],
            )
        }
        priorities = dict(Ticket._fields["priority"]._description_selection(self.env))
        kinds = dict(
            self.env["helpdesk.sla.target"]._fields["kind"]._description_selection(self.env)
        )
        for target in self.target_ids:
            response, resolution = rates.get((target.contract_id.id, target.priority), (None, None))
            rate = response if target.kind == "response" else resolution
            result[target.contract_id.id]["targets"].append(
                {
                    "label": self.env._(
                        "%(kind)s in time, priority %(priority)s",
                        kind=kinds[target.kind],
                        priority=priorities[target.priority],
                    ),
                    "rate": rate,
                    "objective": target.objective,
                }
            )
        self.env.cr.execute(
            """
            SELECT t.sla_contract_id, t.priority, count(*),
                   avg(EXTRACT(EPOCH FROM (%s - t.create_date)) / 86400.0)
              FROM helpdesk_ticket t
              JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
             WHERE t.sla_contract_id IN %s AND NOT COALESCE(s.closed, FALSE) AND t.active
               AND t.create_date < %s
             GROUP BY t.sla_contract_id, t.priority
             ORDER BY t.sla_contract_id, t.priority DESC
            """,
            (date_to, tuple(self.ids), date_to),
        )
        for contract_id, priority, count, age in self.env.cr.fetchall():
            result[contract_id]["backlog"].append(
                {"label": priorities.get(priority, priority), "count": count, "age": age or 0.0}
            )
        for contract_id, availability in (
            self.env["helpdesk.sla.outage"]._availability(self, date_from, date_to).items()
        ):
            result[contract_id]["availability"] = availability
        for contract_id, (calls, loss, pickup) in (
            self.env["helpdesk.call.log"]._phone_kpis(self, date_from, date_to).items()
        ):
            result[contract_id].update(
                calls=calls, call_loss=loss or 0.0, call_pickup=pickup or 0.0
            )
        return result
