from odoo import fields, models, tools
from odoo.tools import SQL


class CollectivitePaymentDaily(models.Model):
    """Validated payments totalled per régie and day, for the régisseur's
    reconciliation (read-only, exported as CSV)."""

    _name = "collectivite.payment.daily"
    _description = "Payments per régie and day"
    _auto = False
    _order = "date desc, regie_id"

    date = fields.Date(readonly=True)
    regie_id = fields.Many2one("collectivite.regie", "Régie", readonly=True)
    company_id = fields.Many2one("res.company", "Collectivité", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    payment_count = fields.Integer("Payments", readonly=True)
    amount_total = fields.Monetary("Total", readonly=True)
    amount_internet = fields.Monetary("Internet", readonly=True)
    amount_borne = fields.Monetary("Borne", readonly=True)
    amount_guichet = fields.Monetary("Counter", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT ((p.regie_id::bigint << 20) + (p.date - DATE '2000-01-01')) AS id,
                           p.date, p.regie_id, MIN(p.company_id) AS company_id,
                           MIN(p.currency_id) AS currency_id,
                           COUNT(*) AS payment_count,
                           SUM(p.amount) AS amount_total,
                           SUM(p.amount) FILTER (WHERE p.means = 'internet') AS amount_internet,
                           SUM(p.amount) FILTER (WHERE p.means = 'borne') AS amount_borne,
                           SUM(p.amount) FILTER (WHERE p.means = 'guichet') AS amount_guichet
                      FROM collectivite_payment p
                     WHERE p.state = 'validated'
                  GROUP BY p.regie_id, p.date
                )
                """,
                SQL.identifier(self._table),
            )
        )

    def _csv_rows(self):
        header = [
            self.env._("Date"),
            self.env._("Régie"),
            self.env._("Régie code"),
            self.env._("Payments"),
            self.env._("Internet"),
            self.env._("Borne"),
            self.env._("Counter"),
            self.env._("Total"),
        ]
        rows = [header]
        for line in self:
            rows.append(
                [
                    fields.Date.to_string(line.date),
                    line.regie_id.name,
                    line.regie_id.code,
                    line.payment_count,
                    f"{line.amount_internet:.2f}",
                    f"{line.amount_borne:.2f}",
                    f"{line.amount_guichet:.2f}",
                    f"{line.amount_total:.2f}",
                ]
            )
        return rows

    def action_export_csv(self):
        ids = ",".join(str(i) for i in (self.ids or self.search([], limit=10000).ids))
        return {
            "type": "ir.actions.act_url",
            "url": f"/teleservice/payments/daily.csv?ids={ids}",
            "target": "self",
        }
