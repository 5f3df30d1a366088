from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class ReportSlaMonthly(models.AbstractModel):
    """Values of the monthly service report (QWeb, wkhtmltopdf)."""

    _name = "report.helpdesk_sla_fr.report_sla_monthly"
    _description = "Monthly service report"

    @api.model
    def _get_report_values(self, docids, data=None):
        contracts = self.env["helpdesk.sla.contract"].browse(docids)
        month = fields.Date.to_date((data or {}).get("date_month")) or fields.Date.today().replace(
            day=1
        )
        date_from = datetime.combine(month.replace(day=1), time.min)
        date_to = date_from + relativedelta(months=1)
        return {
            "doc_ids": docids,
            "doc_model": "helpdesk.sla.contract",
            "docs": contracts,
            "kpis": contracts._kpi_values(date_from, date_to),
            "period_label": month.strftime("%m/%Y"),
        }
