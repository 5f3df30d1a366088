"""Which contract a ticket runs under: resolved from its team and requester's
organisation at creation (with the référent rule, the matrix's priority, the
on-call calendar and the first due dates) and again when its team or requester
changes; its outages and the on-call agent's to-do."""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.collectivite_base.markers import is_marked, marked


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

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

    def _sla_close_outages(self, now):
        """The open outages of ``self`` end with the ticket's closing."""
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
    # Changes of team or requester
    # ------------------------------------------------------------------

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
