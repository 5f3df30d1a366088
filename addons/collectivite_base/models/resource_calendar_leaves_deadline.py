from odoo import models


class ResourceCalendarLeaves(models.Model):
    """A closure of the collectivité (global time off: a "pont", a snow day)
    moves the deadlines whose window it overlaps."""

    _name = "resource.calendar.leaves"
    # One concern per file: the working-time cache is in resource_calendar_leaves.py.
    _inherit = ["resource.calendar.leaves", "collectivite.deadline.source"]  # pylint: disable=consider-merging-classes-inherited

    _deadline_fields = frozenset(
        {"date_from", "date_to", "calendar_id", "resource_id", "time_type", "company_id"}
    )

    def _deadline_changes(self):
        return [
            [
                [leave.calendar_id.id] if leave.calendar_id else None,
                *self._deadline_span(leave.date_from, leave.date_to),
            ]
            for leave in self
            if not leave.resource_id and leave.time_type == "leave"
        ]
