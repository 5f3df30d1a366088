"""Deadlines of a ticket under contract: its due dates, status and pauses.
The arithmetic is the plain-Python planner (``sla_planner``); this file reads
the tickets and contracts it needs and stores what it answers."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, sql

from odoo.addons.collectivite_base.markers import server_marks

from . import sla_planner
from .helpdesk_ticket_sla_deadline import SLA_STATUSES  # noqa: F401 (compatibility)

# The columns of earlier versions (up to 18.0.1.1.2) now on the narrow
# ``helpdesk.ticket.sla.deadline`` rows (``_auto_init``).
MOVED_COLUMNS = (
    "date_response_due",
    "date_resolution_due",
    "date_sla_deadline",
    "date_sla_at_risk",
    "sla_status",
)


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited
    # The due dates, the at-risk instant and the status live in a narrow row
    # of their own (``helpdesk.ticket.sla.deadline``), read and written through
    # the ticket: a recompute of the deadlines rewrites those rows only.
    _inherits = {"helpdesk.ticket.sla.deadline": "sla_deadline_id"}

    date_sla_start = fields.Datetime(
        string="SLA start", default=fields.Datetime.now, copy=False, readonly=True
    )
    sla_deadline_id = fields.Many2one(
        "helpdesk.ticket.sla.deadline",
        string="Due dates",
        required=True,
        ondelete="cascade",
        index=True,
        copy=False,
        readonly=True,
    )
    date_first_response = fields.Datetime(copy=False, readonly=True)
    date_sla_paused = fields.Datetime(string="Paused since", copy=False, readonly=True)
    sla_paused_hours = fields.Float(
        string="Paused working hours", copy=False, readonly=True, aggregator="sum"
    )

    def _auto_init(self):
        cr = self.env.cr
        if sql.table_exists(cr, self._table) and not sql.column_exists(
            cr, self._table, "sla_deadline_id"
        ):
            self._sla_deadline_fill()
        return super()._auto_init()

    def _sla_deadline_fill(self):
        """Give every existing ticket its row of due dates (the tickets of
        helpdesk_mgmt's demo or of a desk that existed before this addon, or
        those of a version that kept the due dates on the ticket), in one
        statement; then drop the ticket's old columns and their indexes. The
        rows take the ids of their tickets (the sequence goes on after them)."""
        cr = self.env.cr
        Deadline = self.env["helpdesk.ticket.sla.deadline"]
        if not sql.table_exists(cr, Deadline._table):
            Deadline._auto_init()
        moved = [name for name in MOVED_COLUMNS if sql.column_exists(cr, self._table, name)]
        columns = SQL(", ").join(SQL.identifier(name) for name in ["id", "sla_is_open", *moved])
        values = SQL(", ").join(
            [SQL.identifier("id"), SQL("closed_date IS NULL")]
            + [SQL.identifier(name) for name in moved]
        )
        cr.execute(
            SQL("ALTER TABLE %s ADD COLUMN sla_deadline_id int4", SQL.identifier(self._table))
        )
        cr.execute(
            SQL(
                """WITH rows AS (
                        INSERT INTO %(deadline)s (%(columns)s)
                        SELECT %(values)s FROM %(ticket)s
                        RETURNING id
                   )
                   UPDATE %(ticket)s AS t SET sla_deadline_id = rows.id
                     FROM rows WHERE rows.id = t.id""",
                deadline=SQL.identifier(Deadline._table),
                ticket=SQL.identifier(self._table),
                columns=columns,
                values=values,
            )
        )
        cr.execute(
            SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "GREATEST((SELECT max(id) FROM %s), 1))",
                Deadline._table,
                SQL.identifier(Deadline._table),
            )
        )
        for name in moved:
            # drops the partial indexes of earlier versions that read them too
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP COLUMN %s",
                    SQL.identifier(self._table),
                    SQL.identifier(name),
                )
            )

    # ------------------------------------------------------------------
    # The row of due dates follows its ticket
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._sla_sync_open()
        return tickets

    def write(self, vals):
        result = super().write(vals)
        # OCA's write sets the closing date when the stage closes the ticket
        if "closed_date" in vals or "stage_id" in vals:
            self._sla_sync_open()
        return result

    def unlink(self):
        # sudo: the rows of the tickets the user has just deleted, nobody else's
        rows = self.sudo().sla_deadline_id
        result = super().unlink()
        rows.unlink()
        return result

    def _sla_sync_open(self):
        """Mirror the closing date of ``self`` on their rows of due dates
        (``sla_is_open``, which the partial indexes of the open tickets
        read), one write per value."""
        # sudo: mirrors the closing date just written through the ticket's own checks
        tickets = self.sudo()
        for is_open in (True, False):
            stale = tickets.filtered(
                lambda t, is_open=is_open: (
                    bool(not t.closed_date) == is_open and t.sla_is_open != is_open
                )
            )
            if stale:
                stale.sla_deadline_id.write({"sla_is_open": is_open})

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
            ("sla_is_open", "=", True),
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
        """Open tickets whose status is due to change (the index of the open
        tickets' status, see ``helpdesk.ticket.sla.deadline``)."""
        common = [("sla_is_open", "=", True), ("date_sla_paused", "=", False)]
        return [
            [("sla_status", "in", ("on_time", "at_risk")), ("date_sla_deadline", "<=", now)]
            + common,
            [("sla_status", "=", "on_time"), ("date_sla_at_risk", "<=", now)] + common,
        ]
