"""The due dates and SLA status of a ticket, in a narrow row of their own.

``helpdesk.ticket`` delegates to this model (``_inherits``, see
``helpdesk_ticket_sla.py``): the fields are read, written, searched, sorted
and grouped on the ticket as if they were its own, but a recompute of the
deadlines (a closure added to a calendar, ``helpdesk_ticket_deadline.py``)
rewrites rows of about 70 bytes with three index entries, instead of the
ticket's row of about 1 kB with its fifteen. ``sla_is_open`` mirrors the
ticket's ``closed_date`` (kept in step by the ticket) so that the partial
indexes of the open tickets live on this table.

Only the server writes these rows (under the ``sla_internal`` marker, as the
ticket's guard requires for the same fields); nobody deletes them but the
ticket they belong to."""

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from odoo.addons.collectivite_base.markers import is_marked

SLA_STATUSES = [
    ("on_time", "On time"),
    ("at_risk", "At risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]


class HelpdeskTicketSlaDeadline(models.Model):
    _name = "helpdesk.ticket.sla.deadline"
    _description = "Due dates of a ticket"
    # narrow rows: no access columns (the ticket has its own)
    _log_access = False

    # No plain index: the crons read them through the partial indexes of the
    # open tickets (``init``); every index is one more entry written per row
    # each time a change of a calendar moves its due dates.
    date_response_due = fields.Datetime(string="First response due", copy=False, readonly=True)
    date_resolution_due = fields.Datetime(string="Resolution due", copy=False, readonly=True)
    date_sla_deadline = fields.Datetime(
        string="Due date",
        copy=False,
        readonly=True,
        help="The next deadline of the ticket: first response, then resolution.",
    )
    date_sla_at_risk = fields.Datetime(string="At risk from", copy=False, readonly=True)
    sla_status = fields.Selection(SLA_STATUSES, string="SLA status", copy=False, readonly=True)
    sla_is_open = fields.Boolean(
        string="Open ticket",
        default=True,
        copy=False,
        readonly=True,
        help="The ticket has no closing date (kept in step by the ticket).",
    )

    def init(self):
        super().init()
        cr = self.env.cr
        # The crons' queries: only the open tickets' rows are indexed, however
        # many closed ones the table holds.
        create_index(
            cr,
            "helpdesk_ticket_sla_deadline_open_deadline_idx",
            self._table,
            ["date_sla_deadline"],
            where="sla_status IN ('on_time', 'at_risk')",
        )
        create_index(
            cr,
            "helpdesk_ticket_sla_deadline_on_time_at_risk_idx",
            self._table,
            ["date_sla_at_risk"],
            where="sla_status = 'on_time'",
        )
        # The escalation cron and the "at risk" / "breached" filters of the
        # open tickets (few rows: the tickets are joined by their index on
        # ``sla_deadline_id``).
        create_index(
            cr,
            "helpdesk_ticket_sla_deadline_open_escalation_idx",
            self._table,
            ["sla_status"],
            where="sla_is_open AND sla_status IN ('at_risk', 'breached')",
        )
        # Few open tickets are breached among many closed ones: without the
        # statistics of the pair, the planner multiplies both shares, expects
        # too many rows and scans the tickets instead of joining them by index.
        statistics = f"{self._table}_status_open_stat"
        cr.execute("SELECT 1 FROM pg_statistic_ext WHERE stxname = %s", [statistics])
        if not cr.fetchone():
            cr.execute(
                SQL(
                    "CREATE STATISTICS %s (dependencies, mcv) ON sla_status, sla_is_open FROM %s",
                    SQL.identifier(statistics),
                    SQL.identifier(self._table),
                )
            )
            # computed by the next ANALYZE (autovacuum's), or now
            cr.execute(SQL("ANALYZE %s", SQL.identifier(self._table)))

    def _check_server_write(self):
        if not (self.env.su or is_marked("sla_internal")):
            raise AccessError(
                self.env._(
                    "The due dates of a ticket are set by its service contract only, "
                    "never directly."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_server_write()
        return super().create(vals_list)

    def write(self, vals):
        self._check_server_write()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_with_ticket_only(self):
        # the ticket deletes its row (``helpdesk_ticket_sla.py``), never a client
        if not self.env.su:
            raise AccessError(
                self.env._("The due dates of a ticket are deleted with the ticket only.")
            )
