from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class ReportSlaMonthly(models.AbstractModel):
    """Values of the monthly service report (QWeb, wkhtmltopdf)."""

    _name = "report.helpdesk_sla_fr.report_sla_monthly"
    _description = "Monthly service report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """Values of the report of ``docids`` (printed from the contracts) or
        of ``data["contract_ids"]`` (the wizard: the web client then sends no
        ids); the contracts the user may read only, a French message when none
        is left or the month is not a date."""
        data = data or {}
        ids = docids or data.get("contract_ids") or []
        if not isinstance(ids, list | tuple):
            ids = [ids]
        ids = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
        Contract = self.env["helpdesk.sla.contract"].with_context(active_test=False)
        # a search, not a browse: the contracts the user may read (ir.rule)
        contracts = Contract.search([("id", "in", ids)]) if ids else Contract
        if not contracts:
            raise UserError(self.env._("Please choose at least one service contract."))
        try:
            month = fields.Date.to_date(data.get("date_month")) or fields.Date.today()
        except (ValueError, TypeError) as error:
            raise UserError(
                self.env._("The month of the report is not a valid date: please choose it again.")
            ) from error
        date_from = datetime.combine(month.replace(day=1), time.min)
        date_to = date_from + relativedelta(months=1)
        return {
            "doc_ids": contracts.ids,
            "doc_model": "helpdesk.sla.contract",
            "docs": contracts,
            "kpis": contracts._kpi_values(date_from, date_to),
            "period_label": month.strftime("%m/%Y"),
        }
