from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, html_sanitize
from odoo.tools.sql import create_index, drop_index

from odoo.addons.collectivite_base.markers import is_marked, marked, server_marks

from .helpdesk_priority_matrix import IMPACTS

SLA_STATUSES = [
    ("on_time", "On time"),
    ("at_risk", "At risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]
# Fields only the requalification wizard may change on a ticket under contract.
REQUALIFY_FIELDS = ("impact", "is_blocking", "priority")
# Escalation level reached when a ticket gets to a status.
ESCALATION_LEVEL_BY_STATUS = {"at_risk": 2, "breached": 3}
# KPI columns: NULL when not applicable, 0 or 100 once known (averaged by pivots).
KPI_FIELDS = ["kpi_response_in_time", "kpi_resolution_in_time", "kpi_first_contact"]
# Fields only the server writes (under the ``sla_internal`` marker): deadlines,
# statuses, KPIs, the requester's feedback. A client never sends them.
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
    date_sla_start = fields.Datetime(
        string="SLA start", default=fields.Datetime.now, copy=False, readonly=True
    )
    date_response_due = fields.Datetime(
        string="First response due", index=True, copy=False, readonly=True
    )
    date_resolution_due = fields.Datetime(
        string="Resolution due", index=True, copy=False, readonly=True
    )
    date_sla_deadline = fields.Datetime(
        string="Due date",
        index=True,
        copy=False,
        readonly=True,
        help="The next deadline of the ticket: first response, then resolution.",
    )
    date_sla_at_risk = fields.Datetime(string="At risk from", index=True, copy=False, readonly=True)
    sla_status = fields.Selection(
        SLA_STATUSES, string="SLA status", index=True, copy=False, readonly=True
    )
    date_first_response = fields.Datetime(copy=False, readonly=True)
    date_sla_paused = fields.Datetime(string="Paused since", copy=False, readonly=True)
    sla_paused_hours = fields.Float(
        string="Paused working hours", copy=False, readonly=True, aggregator="sum"
    )
    # searched through the partial index of open escalations only
    escalation_level = fields.Integer(default=1, copy=False, readonly=True)
    date_escalation_notified = fields.Datetime(
        string="Escalation notified at", copy=False, readonly=True
    )
    sla_mail_pending = fields.Selection(
        [("acknowledgement", "Acknowledgement"), ("closing", "Closing")],
        index=True,
        copy=False,
        readonly=True,
    )
    # Requester feedback
    sla_rating = fields.Selection(
        [
            ("1", "Very unsatisfied"),
            ("2", "Unsatisfied"),
            ("3", "Satisfied"),
            ("4", "Very satisfied"),
        ],
        string="Rating",
        copy=False,
        readonly=True,
    )
    sla_remark = fields.Text(string="Remark", copy=False, readonly=True)
    date_remark = fields.Datetime(copy=False, readonly=True)
    # KPIs (stored so that pivot and graph views read them without computing)
    response_hours = fields.Float(
        string="Working hours to respond", copy=False, readonly=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        string="Working hours to resolve", copy=False, readonly=True, aggregator="avg"
    )
    kpi_response_in_time = fields.Float(
        string="First response in time (%)", copy=False, readonly=True, aggregator="avg"
    )
    kpi_resolution_in_time = fields.Float(
        string="Resolved in time (%)", copy=False, readonly=True, aggregator="avg"
    )
    kpi_first_contact = fields.Float(
        string="First-contact resolution (%)", copy=False, readonly=True, aggregator="avg"
    )

    def init(self):
        super().init()
        # 18.0.1.0.0 had a plain index on escalation_level: the partial one serves.
        drop_index(self.env.cr, "helpdesk_ticket__escalation_level_index", self._table)
        # Partial indexes of the cron's queries: only open tickets are scanned,
        # however many closed ones the table holds.
        create_index(
            self.env.cr,
            "helpdesk_ticket_sla_open_deadline_idx",
            self._table,
            ["date_sla_deadline"],
            where="sla_status IN ('on_time', 'at_risk')",
        )
        create_index(
            self.env.cr,
            "helpdesk_ticket_sla_on_time_at_risk_idx",
            self._table,
            ["date_sla_at_risk"],
            where="sla_status = 'on_time'",
        )
        create_index(
            self.env.cr,
            "helpdesk_ticket_sla_escalation_idx",
            self._table,
            ["sla_status", "escalation_level"],
            where="closed_date IS NULL AND sla_status IN ('at_risk', 'breached')",
        )
        # The "at risk" / "breached" filters of the list, in OCA's ticket order:
        # the first page is read straight from the index.
        for status in ("at_risk", "breached"):
            create_index(
                self.env.cr,
                f"helpdesk_ticket_sla_{status}_list_idx",
                self._table,
                ["priority DESC", "sequence", "number DESC", "id DESC"],
                where=f"closed_date IS NULL AND sla_status = '{status}'",
            )

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su and self.env.user.share:
            domain = expression.AND([self._portal_candidate_domain(), domain or []])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _portal_candidate_domain(self):
        """The tickets OCA's portal rule grants (requester's organisation as
        contact or follower) as one UNION subquery served by the indexes on
        ``partner_id`` and on followers. The rule ORs two subqueries, which
        PostgreSQL can only answer by scanning every ticket; this narrowing
        term (never wider than the rule, which still applies) lets it fetch
        the few candidate rows by primary key instead."""
        commercial = self.env.user.commercial_partner_id
        # sudo: the requester's own organisation tree, as the rule's child_of reads it
        partner_ids = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            ._search([("id", "child_of", commercial.id)])
        )
        partners = SQL("(%s)", partner_ids.subselect())
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT t.id FROM helpdesk_ticket t WHERE t.partner_id IN %(partners)s"
                    " UNION SELECT f.res_id FROM mail_followers f"
                    " WHERE f.res_model = 'helpdesk.ticket' AND f.partner_id IN %(partners)s)",
                    partners=partners,
                ),
            )
        ]

    # ------------------------------------------------------------------
    # Deadline planning (batch)
    # ------------------------------------------------------------------

    @api.model
    def _sla_plan(self, items, at_risk=True):
        """Due dates of many tickets at once.

        ``items``: list of dicts with ``contract``, ``calendar`` (records),
        ``priority``, ``ticket_type``, ``start``, ``paused_hours`` and
        ``first_response``. Returns one dict of date fields per item. The
        working-time service is called once per calendar and unit.
        """
        result = [
            {
                "date_response_due": False,
                "date_resolution_due": False,
                "date_sla_deadline": False,
                "date_sla_at_risk": False,
            }
            for _item in items
        ]
        contracts = self.env["helpdesk.sla.contract"].union(
            *[item["contract"] for item in items if item["contract"]]
        )
        targets = contracts._target_map()
        groups = defaultdict(list)
        for index, item in enumerate(items):
            if not item["contract"] or item["ticket_type"] != "incident":
                continue
            for kind in ("response", "resolution"):
                target = targets.get((item["contract"].id, item["priority"], kind))
                if target:
                    amount, unit = target
                    groups[(item["calendar"], unit)].append((index, kind, amount))
        # one call per calendar and unit, with one amount per start
        for (calendar, unit), members in groups.items():
            dues = calendar.add_working_time(
                [items[i]["start"] for i, _k, _a in members], [a for _i, _k, a in members], unit
            )
            for (index, kind, _amount), due in zip(members, dues, strict=True):
                result[index][f"date_{kind}_due"] = due
        # A pause moves the due dates by the paused working time.
        shifts = defaultdict(list)
        for index, item in enumerate(items):
            hours = round(item.get("paused_hours") or 0.0, 6)
            if hours > 0:
                for kind in ("response", "resolution"):
                    if result[index][f"date_{kind}_due"]:
                        shifts[item["calendar"]].append((index, kind, hours))
        for calendar, members in shifts.items():
            dues = calendar.add_working_time(
                [result[i][f"date_{kind}_due"] for i, kind, _h in members],
                [hours for _i, _k, hours in members],
                "hours",
            )
            for (index, kind, _hours), due in zip(members, dues, strict=True):
                result[index][f"date_{kind}_due"] = due
        # The current deadline, and when the ticket becomes at risk.
        by_calendar = defaultdict(list)
        for index, item in enumerate(items):
            values = result[index]
            deadline = values["date_resolution_due"]
            if values["date_response_due"] and (not item["first_response"] or not deadline):
                deadline = values["date_response_due"]
            values["date_sla_deadline"] = deadline
            if deadline:
                by_calendar[item["calendar"]].append(index)
        if not at_risk:
            for values in result:
                del values["date_sla_at_risk"]
            return result
        self._sla_plan_at_risk(items, result, by_calendar)
        return result

    @api.model
    def _sla_plan_at_risk(self, items, result, by_calendar):
        """Fill ``date_sla_at_risk`` of ``result``: the instant when the
        contract's share of the allowed working time has elapsed."""
        risk_groups = defaultdict(list)
        for calendar, members in by_calendar.items():
            allowed = calendar.working_time_between(
                [items[i]["start"] for i in members],
                [result[i]["date_sla_deadline"] for i in members],
            )
            for index, hours in zip(members, allowed, strict=True):
                share = items[index]["contract"].at_risk_share / 100.0
                amount = round(hours * share * 60) / 60  # to the minute
                if amount > 0:
                    risk_groups[calendar].append((index, amount))
                else:
                    result[index]["date_sla_at_risk"] = items[index]["start"]
        for calendar, members in risk_groups.items():
            dates = calendar.add_working_time(
                [items[i]["start"] for i, _a in members], [a for _i, a in members], "hours"
            )
            for (index, _amount), date in zip(members, dates, strict=True):
                result[index]["date_sla_at_risk"] = date

    @api.model
    def _sla_status_of(self, values, now, closed_date=False, paused=False, current=False):
        """SLA status from due dates (a pure function of its arguments)."""
        deadline = values.get("date_sla_deadline")
        if not deadline:
            return False
        if closed_date:
            limit = values.get("date_resolution_due") or deadline
            return "met" if closed_date <= limit else "breached"
        if paused and current:
            return current
        if now >= deadline:
            return "breached"
        at_risk = values.get("date_sla_at_risk")
        if at_risk and now >= at_risk:
            return "at_risk"
        return "on_time"

    def _sla_calendar(self):
        self.ensure_one()
        contract = self.sla_contract_id
        if self.is_oncall and contract.oncall_calendar_id:
            return contract.oncall_calendar_id
        return contract.calendar_id

    def _sla_items(self):
        return [
            {
                "contract": ticket.sla_contract_id,
                "calendar": ticket._sla_calendar(),
                "priority": ticket.priority,
                "ticket_type": ticket.ticket_type,
                "start": ticket.date_sla_start or ticket.create_date,
                "paused_hours": ticket.sla_paused_hours,
                "first_response": ticket.date_first_response,
            }
            for ticket in self
        ]

    def _sla_recompute(self):
        """Recompute the due dates and status of ``self`` (requalification,
        end of a pause, first response)."""
        tickets = self.filtered("sla_contract_id")
        if not tickets:
            return
        now = fields.Datetime.now()
        plans = self._sla_plan(tickets._sla_items())
        for ticket, values in zip(tickets, plans, strict=True):
            values["sla_status"] = self._sla_status_of(
                values,
                now,
                closed_date=ticket.stage_id.closed and ticket.closed_date,
                paused=bool(ticket.date_sla_paused),
                current=ticket.sla_status,
            )
            with server_marks("sla_internal"):
                ticket.write(values)

    def _sla_refresh_status(self, now=None):
        """Store the status of ``self`` as of ``now``, one write per status."""
        now = now or fields.Datetime.now()
        changes = defaultdict(list)
        for ticket in self.filtered("sla_contract_id"):
            status = self._sla_status_of(
                {
                    "date_sla_deadline": ticket.date_sla_deadline,
                    "date_sla_at_risk": ticket.date_sla_at_risk,
                    "date_resolution_due": ticket.date_resolution_due,
                },
                now,
                closed_date=ticket.stage_id.closed and ticket.closed_date,
                paused=bool(ticket.date_sla_paused),
                current=ticket.sla_status,
            )
            if status != ticket.sla_status:
                changes[status].append(ticket.id)
        with server_marks("sla_internal"):
            for status, ids in changes.items():
                self.browse(ids).write({"sla_status": status})

    # ------------------------------------------------------------------
    # Creation
    # ------------------------------------------------------------------

    @api.model
    def _sla_find_contracts(self, vals_list):
        """The contract of each new ticket, from its team and organisation."""
        ctx = self.env.context
        team_ids = {vals.get("team_id") or ctx.get("default_team_id") for vals in vals_list}
        team_ids.discard(None)
        team_ids.discard(False)
        Contract = self.env["helpdesk.sla.contract"]
        if not team_ids:
            return [Contract] * len(vals_list)
        # sudo: requesters (portal) open tickets; only the contract terms are read.
        contracts = Contract.sudo().browse(
            [cid for team_id in team_ids for cid in Contract._contract_ids_of_team(team_id)]
        )
        partner_ids = {vals.get("partner_id") for vals in vals_list if vals.get("partner_id")}
        commercial = {
            partner.id: partner.commercial_partner_id
            # sudo: the commercial partner of the requester picks the contract.
            for partner in self.env["res.partner"].sudo().browse(list(partner_ids))
        }
        terms = {contract: Contract._sla_terms(contract.id) for contract in contracts}
        found = []
        for vals in vals_list:
            team_id = vals.get("team_id") or ctx.get("default_team_id")
            organisation = commercial.get(vals.get("partner_id"))
            specific = generic = Contract
            for contract in contracts:
                if terms[contract].team_id != team_id:
                    continue
                if terms[contract].partner_ids:
                    if (
                        organisation
                        and organisation.id in terms[contract].partner_ids
                        and not specific
                    ):
                        specific = contract
                elif not generic:
                    generic = contract
            found.append(specific or generic)
        return found

    @api.model
    def _sla_check_referents(self, vals_list, contracts):
        """Refuse tickets of an organisation that requires référents when the
        requester is not one of them, naming the référents."""
        partners = (
            self.env["res.partner"]
            .sudo()
            .browse(  # sudo: requester's organisation
                list({vals.get("partner_id") for vals in vals_list if vals.get("partner_id")})
            )
        )
        by_id = {partner.id: partner for partner in partners}
        for vals, contract in zip(vals_list, contracts, strict=True):
            if not contract or not contract._sla_terms(contract.id).require_referent:
                continue
            partner = by_id.get(vals.get("partner_id"))
            if not partner:
                continue
            organisation = partner.commercial_partner_id
            if organisation not in contract.partner_ids or partner in contract.referent_ids:
                continue
            referents = contract.referent_ids.filtered(
                lambda p, org=organisation: p.commercial_partner_id == org
            )
            if referents:
                raise UserError(
                    self.env._(
                        "Under the contract %(contract)s, tickets of %(organisation)s are "
                        "opened by its référent: %(referents)s. Please contact them.",
                        contract=contract.name,
                        organisation=organisation.display_name,
                        referents=", ".join(referents.mapped("display_name")),
                    )
                )
            raise UserError(
                self.env._(
                    "Under the contract %(contract)s, tickets of %(organisation)s are opened "
                    "by its référent, and none is designated yet.",
                    contract=contract.name,
                    organisation=organisation.display_name,
                )
            )

    @api.model
    def _sla_oncall_flags(self, vals_list, contracts, starts):
        """Blocking hosting incidents opened outside opening hours but inside
        the contract's on-call hours run on the on-call calendar."""
        flags = [False] * len(vals_list)
        candidates = []
        product_ids = {vals.get("product_id") for vals in vals_list if vals.get("product_id")}
        if not product_ids:
            return flags
        hosting = set(
            self.env["helpdesk.ticket.product"]
            .sudo()  # sudo: product setting read for the requester's ticket
            .search([("id", "in", list(product_ids)), ("is_hosting", "=", True)])
            .ids
        )
        for index, (vals, contract) in enumerate(zip(vals_list, contracts, strict=True)):
            if (
                contract
                and contract._sla_terms(contract.id).oncall_calendar_id
                and vals.get("is_blocking")
                and vals.get("ticket_type", "incident") == "incident"
                and vals.get("product_id") in hosting
            ):
                candidates.append(index)
        by_calendars = defaultdict(list)
        for index in candidates:
            contract = contracts[index]
            by_calendars[(contract.calendar_id, contract.oncall_calendar_id)].append(index)
        minute = timedelta(minutes=1)
        for (business, oncall), members in by_calendars.items():
            starts_ = [starts[i] for i in members]
            ends = [start + minute for start in starts_]
            opened = business.working_time_between(starts_, ends)
            on_duty = oncall.working_time_between(starts_, ends)
            for index, open_hours, duty_hours in zip(members, opened, on_duty, strict=True):
                flags[index] = open_hours <= 0 and duty_hours > 0
        return flags

    @api.model
    def _sla_prepare_vals(self, vals_list):
        contracts = self._sla_find_contracts(vals_list)
        if not any(contracts):
            return contracts
        if not is_marked("sla_skip_referent_check"):
            self._sla_check_referents(vals_list, contracts)
        now = fields.Datetime.now()
        starts = [
            fields.Datetime.to_datetime(vals.get("date_sla_start")) or now for vals in vals_list
        ]
        oncall = self._sla_oncall_flags(vals_list, contracts, starts)
        matrix = self.env["helpdesk.sla.contract"].union(*contracts)._matrix_map()
        # sudo: the contracts' calendars, as _sla_find_contracts reads the contracts
        Calendar = self.env["resource.calendar"].sudo()
        owners = {}
        evolution_products = {
            vals.get("product_id")
            for vals in vals_list
            if vals.get("ticket_type") == "evolution" and vals.get("product_id")
        }
        if evolution_products:
            owners = {
                product.id: product.owner_id.id
                for product in self.env["helpdesk.ticket.product"]
                .sudo()  # sudo: the product owner receives the requester's evolution request
                .browse(list(evolution_products))
            }
        items = []
        planned = []
        for index, (vals, contract) in enumerate(zip(vals_list, contracts, strict=True)):
            if not contract:
                continue
            vals.setdefault("impact", "medium")
            vals.setdefault("ticket_type", "incident")
            vals["sla_contract_id"] = contract.id
            vals["date_sla_start"] = starts[index]
            vals["is_oncall"] = oncall[index]
            priority = matrix.get((contract.id, vals["impact"], bool(vals.get("is_blocking"))))
            if priority:
                vals["priority"] = priority
            if vals["ticket_type"] == "evolution" and owners.get(vals.get("product_id")):
                vals.setdefault("user_id", owners[vals["product_id"]])
            terms = contract._sla_terms(contract.id)
            if terms.send_acknowledgement and vals.get("partner_id"):
                vals["sla_mail_pending"] = "acknowledgement"
            items.append(
                {
                    "contract": contract,
                    "calendar": Calendar.browse(
                        terms.oncall_calendar_id if oncall[index] else terms.calendar_id
                    ),
                    "priority": vals.get("priority", "1"),
                    "ticket_type": vals["ticket_type"],
                    "start": starts[index],
                    "paused_hours": 0.0,
                    "first_response": False,
                }
            )
            planned.append(vals)
        # The at-risk instant is filled in batch by the status cron: creating
        # a ticket costs one working-time call per target only.
        for vals, values in zip(planned, self._sla_plan(items, at_risk=False), strict=True):
            vals.update(values)
            vals["sla_status"] = self._sla_status_of(values, now)
        return contracts

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

    def _sla_open_outages(self):
        """An outage per ticket flagged "panne", from its SLA start; closed
        with the ticket (availability of the contract)."""
        # sudo: outages are the contract's record of the service, not the requester's
        self.env["helpdesk.sla.outage"].sudo().create(
            [
                {
                    "contract_id": ticket.sla_contract_id.id,
                    "service": ticket.product_id.name or ticket.name,
                    "date_start": ticket.date_sla_start or ticket.create_date,
                    "ticket_id": ticket.id,
                }
                for ticket in self
            ]
        )

    def _sla_notify_oncall(self):
        for ticket in self:
            user = ticket.sla_contract_id.oncall_user_id
            if not user:
                continue
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._("On-call: blocking hosting incident"),
                note=self.env._(
                    "Ticket %(ticket)s was opened outside opening hours, during on-call hours.",
                    ticket=ticket.display_name,
                ),
            )

    # ------------------------------------------------------------------
    # Changes
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

    @marked("sla_internal")
    def _sla_reassign_contract(self):
        """Resolve again the contract of tickets whose team or requester changed;
        those that change contract get the new matrix's priority and due dates
        (one batch), the change of contract is tracked in the chatter."""
        contracts = self._sla_find_contracts(
            [{"team_id": t.team_id.id, "partner_id": t.partner_id.id} for t in self]
        )
        # A ticket handed to an escalation team of its contract keeps it.
        contracts = [
            ticket.sla_contract_id
            if not contract
            and ticket.team_id
            # sudo: the contract's terms, read as _sla_find_contracts does
            and ticket.team_id in ticket.sla_contract_id.sudo().escalation_ids.team_id
            else contract
            for ticket, contract in zip(self, contracts, strict=True)
        ]
        moved = self.browse(
            [t.id for t, c in zip(self, contracts, strict=True) if t.sla_contract_id != c]
        )
        if not moved:
            return
        new_contracts = [c for t, c in zip(self, contracts, strict=True) if t.sla_contract_id != c]
        matrix = self.env["helpdesk.sla.contract"].union(*new_contracts)._matrix_map()
        groups = defaultdict(list)  # one write per new contract and priority
        cleared = self.browse()
        for ticket, contract in zip(moved, new_contracts, strict=True):
            if not contract:
                cleared |= ticket
                continue
            priority = matrix.get((contract.id, ticket.impact, ticket.is_blocking))
            groups[(contract.id, priority)].append(ticket.id)
        for (contract_id, priority), ids in groups.items():
            values = {"sla_contract_id": contract_id}
            if priority:
                values["priority"] = priority
            self.browse(ids).write(values)
        if cleared:
            self.browse(cleared.ids).write(
                {
                    "sla_contract_id": False,
                    "date_response_due": False,
                    "date_resolution_due": False,
                    "date_sla_deadline": False,
                    "date_sla_at_risk": False,
                    "sla_status": False,
                }
            )
        (moved - cleared)._sla_recompute()

    @marked("sla_internal")
    def _sla_on_stage_change(self):
        """Hook on stage changes: pause, resume, first response, closing."""
        if not self:
            return
        now = fields.Datetime.now()
        to_pause = self.filtered(
            lambda t: t.stage_id.is_waiting_requester and not t.date_sla_paused
        )
        to_resume = self.filtered(
            lambda t: not t.stage_id.is_waiting_requester and t.date_sla_paused
        )
        if to_pause:
            self.browse(to_pause.ids).write({"date_sla_paused": now})
        recompute = self.browse()
        if to_resume:
            by_calendar = defaultdict(list)
            for ticket in to_resume:
                by_calendar[ticket._sla_calendar()].append(ticket)
            for calendar, tickets in by_calendar.items():
                hours = calendar.working_time_between(
                    [t.date_sla_paused for t in tickets], [now] * len(tickets)
                )
                for ticket, paused in zip(tickets, hours, strict=True):
                    self.browse(ticket.id).write(
                        {
                            "date_sla_paused": False,
                            "sla_paused_hours": ticket.sla_paused_hours + paused,
                        }
                    )
            recompute |= to_resume
        responded = self.filtered(lambda t: not t.date_first_response)
        if responded:
            responded._sla_set_first_response(now, recompute=False)
            recompute |= responded
        recompute._sla_recompute()
        closed = self.filtered(lambda t: t.stage_id.closed)
        if closed:
            closed._sla_on_close()
        reopened = self.filtered(lambda t: not t.stage_id.closed and t.closed_date)
        if reopened:
            self.browse(reopened.ids).write({"closed_date": False, "sla_mail_pending": False})
            # Resolution KPIs are unknown again (NULL, left out of the averages).
            reopened.flush_recordset()
            self.env.cr.execute(
                SQL(
                    "UPDATE helpdesk_ticket SET kpi_resolution_in_time = NULL, "
                    "kpi_first_contact = NULL, resolution_hours = NULL WHERE id IN %s",
                    tuple(reopened.ids),
                )
            )
            reopened.invalidate_recordset(
                ["kpi_resolution_in_time", "kpi_first_contact", "resolution_hours"]
            )
        (self - recompute)._sla_refresh_status(now)

    @marked("sla_internal")
    def _sla_set_first_response(self, when, recompute=True):
        """Record the first response and its KPI (batch per calendar)."""
        by_calendar = defaultdict(list)
        for ticket in self:
            by_calendar[ticket._sla_calendar()].append(ticket)
        # A 0.0 equal to the cached value of a NULL column would not be written.
        self.invalidate_recordset(KPI_FIELDS)
        for calendar, tickets in by_calendar.items():
            hours = calendar.working_time_between(
                [t.date_sla_start or t.create_date for t in tickets], [when] * len(tickets)
            )
            for ticket, spent in zip(tickets, hours, strict=True):
                values = {"date_first_response": when, "response_hours": spent}
                if ticket.date_response_due:
                    values["kpi_response_in_time"] = (
                        100.0 if when <= ticket.date_response_due else 0.0
                    )
                self.browse(ticket.id).write(values)
        if recompute:
            self._sla_recompute()

    @marked("sla_internal")
    def _sla_on_close(self):
        """Resolution KPIs and the closing mail of tickets reaching a closed stage."""
        now = fields.Datetime.now()
        by_calendar = defaultdict(list)
        for ticket in self:
            by_calendar[ticket._sla_calendar()].append(ticket)
        # A 0.0 equal to the cached value of a NULL column would not be written.
        self.invalidate_recordset(KPI_FIELDS)
        for calendar, tickets in by_calendar.items():
            ends = [t.closed_date or now for t in tickets]
            hours = calendar.working_time_between(
                [t.date_sla_start or t.create_date for t in tickets], ends
            )
            for ticket, spent, end in zip(tickets, hours, ends, strict=True):
                values = {
                    "resolution_hours": max(spent - ticket.sla_paused_hours, 0.0),
                    "kpi_first_contact": 100.0 if ticket.escalation_level <= 1 else 0.0,
                }
                if ticket.date_resolution_due:
                    values["kpi_resolution_in_time"] = (
                        100.0 if end <= ticket.date_resolution_due else 0.0
                    )
                if ticket.sla_contract_id.send_closing_mail and ticket.partner_id:
                    values["sla_mail_pending"] = "closing"
                self.browse(ticket.id).write(values)
        outages = (
            self.env["helpdesk.sla.outage"]
            .sudo()
            .search(  # sudo: see _sla_open_outages
                [("ticket_id", "in", self.ids), ("date_end", "=", False)]
            )
        )
        for outage in outages:
            end = outage.ticket_id.closed_date or now
            outage.date_end = max(end, outage.date_start + timedelta(seconds=1))
        if any(t.sla_mail_pending == "closing" for t in self):
            self.env.ref("helpdesk_sla_fr.ir_cron_sla_send_mails")._trigger()

    def _track_template(self, changes):
        """OCA sends the closed stage's mail template; under a contract that
        sends its own closing mail (with the rating link), that one only."""
        res = super()._track_template(changes)
        ticket = self[:1]
        if (
            "stage_id" in res
            and ticket.stage_id.closed
            and ticket.sla_contract_id.send_closing_mail
            and ticket.partner_id
        ):
            del res["stage_id"]
        return res

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if (
            not self.env.user.share
            and kwargs.get("message_type") == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
        ):
            pending = self.filtered(lambda t: t.sla_contract_id and not t.date_first_response)
            if pending:
                pending._sla_set_first_response(fields.Datetime.now())
        return message

    # ------------------------------------------------------------------
    # Requester feedback
    # ------------------------------------------------------------------

    def _sla_check_remark_allowed(self, now=None):
        now = now or fields.Datetime.now()
        for ticket in self:
            if not ticket.stage_id.closed or not ticket.closed_date:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s is not resolved yet: you can rate it once it is.",
                        ticket=ticket.display_name,
                    )
                )
            days = ticket.sla_contract_id.remark_days if ticket.sla_contract_id else 8
            if now > ticket.closed_date + timedelta(days=days):
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s was resolved on %(date)s: ratings and remarks "
                        "are accepted during %(days)s days after resolution only.",
                        ticket=ticket.display_name,
                        date=fields.Date.to_string(ticket.closed_date.date()),
                        days=days,
                    )
                )

    def _sla_remark_ticket(self):
        """The ticket whose feedback the current user may give, as superuser:
        its requester's (read access and requester checked here), or anyone's
        holding its access token (checked by the portal controller, which sets
        the ``sla_remark_by_token`` marker)."""
        self.ensure_one()
        if is_marked("sla_remark_by_token"):
            return self.sudo()  # sudo: the controller checked the ticket's access token
        self.check_access("read")
        ticket = self.sudo()  # sudo: read access checked above
        if not ticket.partner_id or ticket.partner_id != self.env.user.partner_id:
            raise AccessError(
                self.env._(
                    "Only the requester of ticket %(ticket)s may rate it.",
                    ticket=ticket.display_name,
                )
            )
        return ticket

    def _sla_is_remark_open(self, now=None):
        """Whether the requester may still rate ``self`` (one ticket)."""
        self.ensure_one()
        if self.date_remark:
            return False
        try:
            self._sla_check_remark_allowed(now)
        except UserError:
            return False
        return True

    def action_sla_submit_remark(self, rating, remark):
        """Record the requester's rating and remark: by that requester only,
        once, within the allowed days."""
        self.ensure_one()
        ticket = self._sla_remark_ticket()
        if rating not in dict(self._fields["sla_rating"].selection):
            raise UserError(self.env._("Please choose a rating."))
        if remark and (not isinstance(remark, str) or "\x00" in remark):
            raise UserError(
                self.env._(
                    "Your text contains characters that cannot be recorded: please retype it."
                )
            )
        # Two submissions at once: the second waits, then sees the first.
        self.env.cr.execute(
            SQL("SELECT date_remark FROM helpdesk_ticket WHERE id = %s FOR UPDATE", ticket.id)
        )
        ticket.invalidate_recordset(["date_remark"])
        if ticket.date_remark:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s has already been rated: a rating is given once.",
                    ticket=ticket.display_name,
                )
            )
        ticket._sla_check_remark_allowed()
        with server_marks("sla_internal"):
            ticket.write(
                {
                    "sla_rating": rating,
                    "sla_remark": remark or False,
                    "date_remark": fields.Datetime.now(),
                }
            )
        ticket.message_post(
            body=self.env._(
                "Requester's rating: %(rating)s. %(remark)s",
                rating=dict(self._fields["sla_rating"]._description_selection(self.env))[rating],
                remark=remark or "",
            ),
            subtype_xmlid="mail.mt_note",
            author_id=ticket.partner_id.id,
        )
        return True

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------

    @api.model
    def _sla_at_risk_missing_domain(self):
        return [
            ("sla_status", "=", "on_time"),
            ("date_sla_at_risk", "=", False),
            ("date_sla_deadline", "!=", False),
        ]

    @api.model
    def _sla_fill_at_risk(self, limit=5000):
        """At-risk instants of at most ``limit`` open tickets created since
        the last run (one working-time computation per calendar and amount).
        Returns how many were filled."""
        tickets = self.search(self._sla_at_risk_missing_domain(), limit=limit, order="id")
        if not tickets:
            return 0
        items = tickets._sla_items()
        result = [{"date_sla_deadline": t.date_sla_deadline} for t in tickets]
        by_calendar = defaultdict(list)
        for index, item in enumerate(items):
            by_calendar[item["calendar"]].append(index)
        self._sla_plan_at_risk(items, result, by_calendar)
        by_date = defaultdict(list)
        for ticket, values in zip(tickets, result, strict=True):
            by_date[values["date_sla_at_risk"]].append(ticket.id)
        with server_marks("sla_internal"):
            for date, ids in by_date.items():
                self.browse(ids).write({"date_sla_at_risk": date})
        return len(tickets)

    @api.model
    def _sla_escalation_domains(self):
        """One domain per target level (each served by a partial index)."""
        common = [
            ("closed_date", "=", False),
            ("date_sla_paused", "=", False),
            ("sla_contract_id", "!=", False),
        ]
        return [
            [("sla_status", "=", status), ("escalation_level", "<", level)] + common
            for status, level in ESCALATION_LEVEL_BY_STATUS.items()
        ]

    @api.model
    def _sla_status_domains(self, now):
        """Open tickets whose status is due to change (partial indexes)."""
        common = [("closed_date", "=", False), ("date_sla_paused", "=", False)]
        return [
            [("sla_status", "in", ("on_time", "at_risk")), ("date_sla_deadline", "<=", now)]
            + common,
            [("sla_status", "=", "on_time"), ("date_sla_at_risk", "<=", now)] + common,
        ]

    @api.model
    def _cron_sla_escalate(self, limit=5000):
        """Move statuses and escalate at-risk and breached tickets to the next
        level, one batch a run.

        A ticket's new status and escalation are written together (one UPDATE
        per ticket). Idempotent: the level reached is the marker, written in
        the same transaction as the notifications, so a rerun never notifies
        twice.
        """
        now = fields.Datetime.now()
        # The at-risk fill is a batch of its own, bounded as the statuses are.
        filled = self._sla_fill_at_risk(limit=limit)
        domains = self._sla_status_domains(now) + self._sla_escalation_domains()
        tickets = self.browse()
        for domain in domains:
            if len(tickets) < limit:
                tickets |= self.search(domain, limit=limit - len(tickets), order="id")
        if not tickets:
            self.env["ir.cron"]._notify_progress(
                done=filled, remaining=self.search_count(self._sla_at_risk_missing_domain())
            )
            return
        groups = defaultdict(list)
        for ticket in tickets:
            status = self._sla_status_of(
                {
                    "date_sla_deadline": ticket.date_sla_deadline,
                    "date_sla_at_risk": ticket.date_sla_at_risk,
                },
                now,
            )
            level = ESCALATION_LEVEL_BY_STATUS.get(status, 0)
            if level <= ticket.escalation_level:
                level = 0
            groups[(ticket.sla_contract_id, status, level)].append(ticket.id)
        for (contract, status, level), ids in groups.items():
            batch = self.browse(ids)
            if level:
                batch._sla_escalate(contract, level, now, status)
            else:
                with server_marks("sla_internal"):
                    batch.with_context(tracking_disable=True).write({"sla_status": status})
        remaining = sum(
            self.search_count(domain) for domain in [*domains, self._sla_at_risk_missing_domain()]
        )
        self.env["ir.cron"]._notify_progress(done=filled + len(tickets), remaining=remaining)

    @marked("sla_internal")
    def _sla_escalate(self, contract, level, now, status=None):
        """Reassign ``self`` (one contract) to ``level``, post in each chatter
        (one bulk insert) and mail the level's recipients one digest."""
        line = contract.escalation_ids.filtered(lambda e: e.level == str(level))[:1]
        values = {"escalation_level": level, "date_escalation_notified": now}
        if status:
            values["sla_status"] = status
        if line.user_id:
            values["user_id"] = line.user_id.id
        internal = self.with_context(tracking_disable=True)
        if line.team_id:
            # OCA recomputes stage and assignee of each ticket whose team
            # changes (a search per ticket); they are written here instead,
            # once per (stage, assignee) group, with the same rules.
            team = line.team_id
            applicable = team._get_applicable_stages()
            groups = defaultdict(list)
            for ticket in self:
                groups[(ticket.stage_id, ticket.user_id)].append(ticket.id)
            for (stage, user), ids in groups.items():
                group_values = dict(values, team_id=team.id)
                group_values["stage_id"] = (stage if stage in applicable else applicable[:1]).id
                if not line.user_id:
                    group_values["user_id"] = user.id if user in team.user_ids else False
                self.browse(ids).write(group_values)
        else:
            internal.write(values)
        lang = contract.company_id.partner_id.lang or self.env.lang
        env = self.with_context(lang=lang).env
        if level == 2:
            text = env._("Escalated to level 2: the ticket is at risk of missing its deadline.")
        else:
            text = env._("Escalated to level 3: the ticket's deadline has passed.")
        if line:
            text = env._(
                "%(text)s Now handled by %(who)s.",
                text=text,
                who=(line.user_id or line.team_id).display_name,
            )
        self._sla_post_notes(Markup("<p>%s</p>") % text, now, f"escalation-{level}")
        recipients = line._recipients() if line else contract.team_id.user_id.partner_id
        if recipients:
            template = self.env.ref("helpdesk_sla_fr.mail_template_sla_escalation")
            template.with_context(
                lang=lang, escalation_ticket_ids=self.ids, escalation_level=level
            ).send_mail(
                contract.id,
                email_values={"recipient_ids": [(6, 0, recipients.ids)]},
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _sla_post_notes(self, body, now, tag):
        """One internal note per ticket of ``self``, in one INSERT.

        The cron's notes notify nobody, so the ORM's per-message work
        (reply-to lookup, sanitising, followers) is done once for the whole
        batch instead of once per ticket.
        """
        if not self:
            return
        author = self.env.ref("base.partner_root")
        self.flush_recordset(["company_id"])
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (
                    model, res_id, record_company_id, body, message_type, subtype_id,
                    author_id, email_from, is_internal, date, message_id,
                    create_uid, write_uid, create_date, write_date)
                SELECT %(model)s, t.id, t.company_id, %(body)s, 'notification', %(subtype)s,
                       %(author)s, %(email_from)s, TRUE, %(now)s,
                       %(prefix)s || t.id || '@helpdesk-sla>',
                       %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM helpdesk_ticket t
                 WHERE t.id = ANY(%(ids)s)
                """,
                model=self._name,
                body=html_sanitize(body),
                subtype=self.env.ref("mail.mt_note").id,
                author=author.id,
                email_from=author.email_formatted or None,
                now=now,
                prefix=f"<sla-{tag}-{int(now.timestamp())}-",
                uid=self.env.uid,
                ids=self.ids,
            )
        )
        self.invalidate_recordset(["message_ids"])

    @api.model
    def _cron_sla_send_mails(self, limit=200):
        """Acknowledgement and closing mails, one batch a run; the pending
        marker is cleared with the mail, so a rerun sends nothing twice."""
        tickets = self.search([("sla_mail_pending", "!=", False)], limit=limit, order="id")
        templates = {
            "acknowledgement": "helpdesk_sla_fr.mail_template_ticket_acknowledgement",
            "closing": "helpdesk_sla_fr.mail_template_ticket_closing",
        }
        for kind, xmlid in templates.items():
            batch = tickets.filtered(lambda t, k=kind: t.sla_mail_pending == k)
            template = self.env.ref(xmlid)
            for ticket in batch:
                ticket.message_post_with_source(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=ticket.partner_id.ids,
                    email_layout_xmlid="mail.mail_notification_light",
                )
        with server_marks("sla_internal"):
            tickets.write({"sla_mail_pending": False})
        remaining = self.search_count([("sla_mail_pending", "!=", False)])
        self.env["ir.cron"]._notify_progress(done=len(tickets), remaining=remaining)
