from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError


class HelpdeskSlaReportWizard(models.TransientModel):
    """Choose a contract and a month, print the compliance report."""

    _name = "helpdesk.sla.report.wizard"
    _description = "Monthly service contract report"

    contract_ids = fields.Many2many("helpdesk.sla.contract", string="Contracts", required=True)
    date_month = fields.Date(
        string="Month",
        required=True,
        default=lambda self: (
            fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        ),
    )

    def action_print(self):
        """The report's action. Its ``data`` carries the contracts too: with
        ``data`` the web client requests ``/report/pdf/<name>?options=<data>``,
        without the record ids."""
        self.ensure_one()
        if not self.contract_ids:
            raise UserError(self.env._("Please choose at least one service contract."))
        month = self.date_month.replace(day=1)
        return self.env.ref("helpdesk_sla_fr.action_report_sla_monthly").report_action(
            self.contract_ids,
            data={
                "date_month": fields.Date.to_string(month),
                "contract_ids": self.contract_ids.ids,
            },
        )
