from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskSlaOutage(models.Model):
    """A service outage, counted against the contract's availability."""

    _name = "helpdesk.sla.outage"
    _description = "Service outage"
    _order = "date_start desc"

    contract_id = fields.Many2one("helpdesk.sla.contract", required=True, index=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    service = fields.Char(required=True)
    date_start = fields.Datetime(required=True, index=True)
    date_end = fields.Datetime(index=True)
    ticket_id = fields.Many2one("helpdesk.ticket", index=True)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for outage in self:
            if outage.date_end and outage.date_end <= outage.date_start:
                raise ValidationError(
                    self.env._(
                        "Outage %(service)s: the end must be after the start.",
                        service=outage.service,
                    )
                )

    @api.model
    def _availability(self, contracts, date_from, date_to):
        """{contract_id: availability %} over [date_from, date_to) on each
        contract's availability calendar (batch: one call per calendar)."""
        outages = self.search(
            [
                ("contract_id", "in", contracts.ids),
                ("date_start", "<", date_to),
                "|",
                ("date_end", "=", False),
                ("date_end", ">", date_from),
            ]
        )
        by_calendar = defaultdict(list)
        for contract in contracts:
            calendar = contract.availability_calendar_id or contract.calendar_id
            by_calendar[calendar].append(contract)
        result = {}
        for calendar, members in by_calendar.items():
            total = calendar.working_time_between([date_from], [date_to])[0]
            mine = outages.filtered(lambda o, ids=[c.id for c in members]: o.contract_id.id in ids)
            starts = [max(o.date_start, date_from) for o in mine]
            ends = [min(o.date_end or date_to, date_to) for o in mine]
            lost = calendar.working_time_between(starts, ends) if mine else []
            lost_by_contract = defaultdict(float)
            for outage, hours in zip(mine, lost, strict=True):
                lost_by_contract[outage.contract_id.id] += hours
            for contract in members:
                result[contract.id] = (
                    100.0 * (total - lost_by_contract[contract.id]) / total if total else 100.0
                )
        return result
