"""Deadlines of a ticket under contract: its due dates, status and pauses.
The arithmetic is the plain-Python planner (``sla_planner``); this file reads
the tickets and contracts it needs and stores what it answers."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools.sql import create_index, drop_index, make_index_name

from odoo.addons.collectivite_base.markers import server_marks

from . import sla_planner

# Plain indexes of earlier versions on the due dates (see ``init``).
DROPPED_INDEXES = (
    "date_response_due",
    "date_resolution_due",
    "date_sla_deadline",
    "date_sla_at_risk",
)
SLA_STATUSES = [
    ("on_time", "On time"),
    ("at_risk", "At risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    date_sla_start = fields.Datetime(
        string="SLA start", default=fields.Datetime.now, copy=False, readonly=True
    )
    # The due dates have no index of their own: the crons read them through
    # the partial indexes of the open tickets (``init``), and every index of
    # the table is one more entry written per ticket each time a change of
    # the calendar moves its due dates (``helpdesk_ticket_deadline.py``).
    date_response_due = fields.Datetime(string="First response due", copy=False, readonly=True)
    date_resolution_due = fields.Datetime(string="Resolution due", copy=False, readonly=True)
    date_sla_deadline = fields.Datetime(
        string="Due date",
        copy=False,
        readonly=True,
        help="The next deadline of the ticket: first response, then resolution.",
    )
    date_sla_at_risk = fields.Datetime(string="At risk from", copy=False, readonly=True)
    sla_status = fields.Selection(
        SLA_STATUSES, string="SLA status", index=True, copy=False, readonly=True
    )
    date_first_response = fields.Datetime(copy=False, readonly=True)
    date_sla_paused = fields.Datetime(string="Paused since", copy=False, readonly=True)
    sla_paused_hours = fields.Float(
        string="Paused working hours", copy=False, readonly=True, aggregator="sum"
    )

    def init(self):
        super().init()
        # 18.0.1.1.2 had a plain index on each due date: the partial ones serve.
        for name in DROPPED_INDEXES:
            drop_index(self.env.cr, make_index_name(self._table, name), self._table)
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
    # Deadline planning (batch), through the planner
    # ------------------------------------------------------------------

    @api.model
    def _sla_plan(self, items, at_risk=True):
        """Due dates of many tickets at once (see ``sla_planner`` for
        ``items``). Returns one dict of date fields per item; the
        working-time service is called once per calendar and unit."""
        contracts = self.env["helpdesk.sla.contract"].union(
            *[item["contract"] for item in items if item["contract"]]
        )
        return sla_planner.plan_deadlines(items, contracts._target_map(), at_risk=at_risk)

    @api.model
    def _sla_plan_at_risk(self, items, result, by_calendar):
        """Fill ``date_sla_at_risk`` of ``result``: the instant when the
        contract's share of the allowed working time has elapsed."""
        sla_planner.plan_at_risk(items, result, by_calendar)

    @api.model
    def _sla_status_of(self, values, now, closed_date=False, paused=False, current=False):
        """SLA status from due dates (a pure function of its arguments)."""
        return sla_planner.sla_status(
            values, now, closed_date=closed_date, paused=paused, current=current
        )

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
                dict(values, date_first_response=ticket.date_first_response),
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
                    "date_response_due": ticket.date_response_due,
                    "date_first_response": ticket.date_first_response,
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
    # Status cron (run by the escalation cron, ``_cron_sla_escalate``)
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
    def _sla_status_domains(self, now):
        """Open tickets whose status is due to change (partial indexes)."""
        common = [("closed_date", "=", False), ("date_sla_paused", "=", False)]
        return [
            [("sla_status", "in", ("on_time", "at_risk")), ("date_sla_deadline", "<=", now)]
            + common,
            [("sla_status", "=", "on_time"), ("date_sla_at_risk", "<=", now)] + common,
        ]
