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
    def _merged_periods(self, outages, date_from, date_to):
        """{contract_id: [(start, end), ...]}: the outages of ``outages``
        within [date_from, date_to), those of one service of one contract
        merged where they overlap (ten requesters reporting one outage are
        one outage)."""
        by_service = defaultdict(list)
        for outage in outages:
            start = max(outage.date_start, date_from)
            end = min(outage.date_end or date_to, date_to)
            if end > start:
                service = " ".join((outage.service or "").split()).casefold()
                by_service[(outage.contract_id.id, service)].append((start, end))
        periods = defaultdict(list)
        for (contract_id, _service), intervals in by_service.items():
            merged = []
            for start, end in sorted(intervals):
                if merged and start <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], end))
                else:
                    merged.append((start, end))
            periods[contract_id].extend(merged)
        return periods

    @api.model
    def _availability(self, contracts, date_from, date_to):
        """{contract_id: availability %} over [date_from, date_to) on each
        contract's availability calendar (batch: one call per calendar),
        between 0 and 100."""
        outages = self.search(
            [
                ("contract_id", "in", contracts.ids),
                ("date_start", "<", date_to),
                "|",
                ("date_end", "=", False),
                ("date_end", ">", date_from),
            ]
        )
        periods = self._merged_periods(outages, date_from, date_to)
        by_calendar = defaultdict(list)
        for contract in contracts:
            calendar = contract.availability_calendar_id or contract.calendar_id
            by_calendar[calendar].append(contract)
        result = {}
        for calendar, members in by_calendar.items():
            total = calendar.working_time_between([date_from], [date_to])[0]
            mine = [(c.id, start, end) for c in members for start, end in periods[c.id]]
            lost = (
                calendar.working_time_between([m[1] for m in mine], [m[2] for m in mine])
                if mine
                else []
            )
            lost_by_contract = defaultdict(float)
            for (contract_id, _start, _end), hours in zip(mine, lost, strict=True):
                lost_by_contract[contract_id] += hours
            for contract in members:
                if total <= 0:
                    result[contract.id] = 100.0
                    continue
                share = 100.0 * (total - lost_by_contract[contract.id]) / total
                result[contract.id] = min(max(share, 0.0), 100.0)
        return result
