from odoo import fields, models, tools
from odoo.tools import SQL


class CollectiviteRequestStatistic(models.Model):
    """Handled requests as the statistics read them: one row per closed
    request, by téléservice and month of closing, with its instruction time in
    working days and whether it met the quality of service. A read-only SQL
    view over the request's stored figures, under the managers' rules."""

    _name = "collectivite.request.statistic"
    _description = "Instruction statistics of requests"
    _auto = False
    _order = "date_closed desc, id desc"
    _rec_name = "request_id"
    # What the view reads: flushed before any search on it.
    _depends = {
        "collectivite.request": [
            "teleservice_id",
            "category_id",
            "company_id",
            "channel",
            "last_agent_id",
            "date_submitted",
            "date_closed",
            "instruction_days",
            "is_within_qos",
        ],
    }

    request_id = fields.Many2one("collectivite.request", readonly=True)
    teleservice_id = fields.Many2one("collectivite.teleservice", readonly=True)
    category_id = fields.Many2one("collectivite.category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    channel = fields.Selection(
        [("portal", "Online"), ("counter", "Counter"), ("phone", "Phone"), ("mail", "Mail")],
        readonly=True,
    )
    last_agent_id = fields.Many2one("res.users", string="Last agent", readonly=True)
    date_submitted = fields.Datetime(string="Submitted on", readonly=True)
    date_closed = fields.Datetime(string="Closed on", readonly=True)
    instruction_days = fields.Float(
        string="Mean instruction duration (working days)",
        digits=(16, 1),
        aggregator="avg",
        readonly=True,
    )
    within_qos_rate = fields.Float(
        string="Handled within the quality of service (%)",
        digits=(16, 1),
        aggregator="avg",
        readonly=True,
    )
    late_count = fields.Integer(string="Handled late", aggregator="sum", readonly=True)
    request_count = fields.Integer(string="Handled requests", aggregator="sum", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT r.id AS id,
                           r.id AS request_id,
                           r.teleservice_id,
                           r.category_id,
                           r.company_id,
                           r.channel,
                           r.last_agent_id,
                           r.date_submitted,
                           r.date_closed,
                           r.instruction_days,
                           CASE WHEN r.is_within_qos THEN 100.0 ELSE 0.0 END AS within_qos_rate,
                           CASE WHEN r.is_within_qos THEN 0 ELSE 1 END AS late_count,
                           1 AS request_count
                      FROM %(table)s r
                     WHERE r.date_closed IS NOT NULL AND r.date_submitted IS NOT NULL
                )""",
                view=SQL.identifier(self._table),
                table=SQL.identifier(self.env["collectivite.request"]._table),
            )
        )
