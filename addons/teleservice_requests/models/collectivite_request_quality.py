from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import escape

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

from .collectivite_request import OPEN_STATES


class CollectiviteRequest(models.Model):
    """Quality of service of a request: its deadline and alert date in working
    days, its implicit-decision date (silence vaut acceptation / rejet), and
    the urgent / late flags the cron sets, set-based, on the open requests."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    date_qos_deadline = fields.Datetime(
        string="Deadline", compute="_compute_qos_dates", store=True, index=True
    )
    date_qos_alert = fields.Datetime(
        string="Alert date", compute="_compute_qos_dates", store=True, index=True
    )
    date_legal_decision = fields.Date(
        string="Implicit decision date", compute="_compute_legal_dates", store=True
    )
    date_legal_alert = fields.Datetime(compute="_compute_legal_dates", store=True, index=True)
    legal_regime = fields.Selection(related="teleservice_id.legal_regime")
    # Not indexed on purpose, see ``init``.
    is_urgent = fields.Boolean(string="Urgent", default=False, readonly=True, copy=False)
    is_late = fields.Boolean(string="Late", default=False, readonly=True, copy=False)

    def init(self):
        """The QoS flags are plain, unindexed columns and pages keep free room
        (fillfactor): flagging tens of thousands of requests is then a HOT update
        that touches none of the table's indexes. The cron finds its candidates
        through partial indexes on the open requests' dates."""
        super().init()
        cr, table = self.env.cr, self._table
        cr.execute(SQL("ALTER TABLE %s SET (fillfactor = 80)", SQL.identifier(table)))
        open_states = ", ".join(f"'{state}'" for state in OPEN_STATES)
        for name, column in (
            ("open_deadline", "date_qos_deadline"),
            ("open_alert", "date_qos_alert"),
            ("open_legal_alert", "date_legal_alert"),
        ):
            create_index(
                cr,
                f"{table}_{name}_idx",
                table,
                [column, "category_id", "company_id"],
                where=f"state IN ({open_states})",
            )

    def _calendar(self):
        company = self.company_id or self.env.company
        return company.collectivite_calendar_id or company.resource_calendar_id

    @api.depends(
        "date_submitted",
        "teleservice_id.qos_delay_days",
        "teleservice_id.qos_alert_days",
        "company_id",
    )
    def _compute_qos_dates(self):
        """Deadlines in working days, one call of the working-time service per
        calendar and delay (never one per request)."""
        defaults = self.env["collectivite.teleservice"]._qos_defaults()
        dated = self.filtered(lambda request: request.date_submitted and request.teleservice_id)
        for request in self - dated:
            request.date_qos_deadline = request.date_qos_alert = False
        groups = dated.grouped(
            lambda request: (request._calendar(), *request.teleservice_id._qos_delays(defaults))
        )
        for (calendar, delay, alert), requests in groups.items():
            starts = requests.mapped("date_submitted")
            deadlines = calendar.add_working_time(starts, delay, "days")
            alerts = (
                calendar.add_working_time(starts, delay - alert, "days")
                if delay > alert
                else starts
            )
            for request, deadline, alert_date in zip(requests, deadlines, alerts, strict=True):
                request.date_qos_deadline = deadline
                request.date_qos_alert = alert_date

    @api.depends(
        "date_submitted",
        "teleservice_id.legal_regime",
        "teleservice_id.legal_delay_months",
        "teleservice_id.qos_alert_days",
    )
    def _compute_legal_dates(self):
        defaults = self.env["collectivite.teleservice"]._qos_defaults()
        for request in self:
            teleservice = request.teleservice_id
            if not request.date_submitted or teleservice.legal_regime in (False, "none"):
                request.date_legal_decision = request.date_legal_alert = False
                continue
            decision = request.date_submitted + relativedelta(months=teleservice.legal_delay_months)
            request.date_legal_decision = decision.date()
            request.date_legal_alert = decision - timedelta(
                days=teleservice._qos_delays(defaults)[1]
            )

    @api.model
    def _cron_update_qos(self, batch_size=50000):
        """Flag requests entering their alert window (urgent) or past their
        deadline (late). Idempotent: flagged requests are not selected again.

        Set-based SQL on the partial indexes of ``init``: the flags are plain
        columns that nothing computes from nor tracks, so one ``UPDATE`` per flag
        and batch replaces loading tens of thousands of records."""
        self.flush_model(
            [
                "state",
                "is_late",
                "is_urgent",
                "date_qos_deadline",
                "date_qos_alert",
                "date_legal_alert",
            ]
        )
        now = fields.Datetime.now()
        table = SQL.identifier(self._table)
        open_states = tuple(OPEN_STATES)
        lang_self = self.with_context(lang=self._system_lang())
        # Each flagged request gets a history note authored by the system.
        done = self._system_log_sql(
            SQL(
                """UPDATE %(table)s SET is_late = TRUE, is_urgent = TRUE, write_date = %(now)s
                    WHERE id = ANY(ARRAY(SELECT id FROM %(table)s
                                  WHERE is_late IS NOT TRUE AND state IN %(open)s
                                    AND date_qos_deadline <= %(now)s
                                  LIMIT %(limit)s))
                RETURNING id""",
                table=table,
                now=now,
                open=open_states,
                limit=batch_size,
            ),
            escape(lang_self.env._("Late: the instruction deadline has passed.")),
        )
        done += self._system_log_sql(
            SQL(
                """UPDATE %(table)s SET is_urgent = TRUE, write_date = %(now)s
                    WHERE id = ANY(ARRAY(SELECT id FROM %(table)s
                                  WHERE is_urgent IS NOT TRUE AND state IN %(open)s
                                    AND date_qos_alert <= %(now)s
                                  UNION
                                 SELECT id FROM %(table)s
                                  WHERE is_urgent IS NOT TRUE AND state IN %(open)s
                                    AND date_legal_alert <= %(now)s
                                  LIMIT %(limit)s))
                RETURNING id""",
                table=table,
                now=now,
                open=open_states,
                limit=batch_size,
            ),
            escape(lang_self.env._("Urgent: the request has entered its alert period.")),
        )
        self.invalidate_model(["is_late", "is_urgent", "write_date"])
        self.env.cr.execute(
            SQL(
                """SELECT (SELECT count(*) FROM %(table)s
                            WHERE is_late IS NOT TRUE AND state IN %(open)s
                              AND date_qos_deadline <= %(now)s)
                        + (SELECT count(*) FROM %(table)s
                            WHERE is_urgent IS NOT TRUE AND state IN %(open)s
                              AND (date_qos_alert <= %(now)s OR date_legal_alert <= %(now)s))""",
                table=table,
                now=now,
                open=open_states,
            )
        )
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining
