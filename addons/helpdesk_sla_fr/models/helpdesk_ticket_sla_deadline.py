"""The due dates and SLA status of a ticket, in a narrow row of their own.

``helpdesk.ticket`` delegates to this model (``_inherits``, see
``helpdesk_ticket_sla.py``): the fields are read, written, searched, sorted
and grouped on the ticket as if they were its own, but a recompute of the
deadlines (a closure added to a calendar, ``helpdesk_ticket_deadline.py``)
rewrites rows of about 70 bytes in place, instead of the ticket's row of
about 1 kB with its fifteen index entries. ``sla_is_open`` mirrors the
ticket's ``closed_date`` (kept in step by the ticket) so that the index of
the open tickets lives on this table.

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

    # No index on the dates (see ``init``).
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
        table = SQL.identifier(self._table)
        # A recompute rewrites the due dates of every open ticket of a calendar
        # (200,000 rows in the bench). Updated in place ("HOT": the new version
        # on the row's page, no index entry written) when no indexed column
        # changes and the page has room: so no index on the dates, and pages
        # half filled. The crons and the "at risk" / "breached" filters read
        # the open tickets' rows through the one index on their status (the
        # dates compared on these narrow rows, tens of bytes each).
        cr.execute(SQL("ALTER TABLE %s SET (fillfactor = 50)", table))
        for name in (
            "helpdesk_ticket_sla_deadline_open_deadline_idx",
            "helpdesk_ticket_sla_deadline_on_time_at_risk_idx",
            "helpdesk_ticket_sla_deadline_open_escalation_idx",
        ):
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
        create_index(
            cr,
            "helpdesk_ticket_sla_deadline_open_status_idx",
            self._table,
            ["sla_status"],
            where="sla_is_open",
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
