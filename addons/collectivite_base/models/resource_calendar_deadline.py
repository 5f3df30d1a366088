from odoo import models


class ResourceCalendar(models.Model):
    """A change of a working schedule's time zone or week pattern moves every
    deadline computed on it (its opening periods and closures have their own
    hooks)."""

    _name = "resource.calendar"
    # One concern per file: the working-time service is in resource_calendar.py.
    _inherit = ["resource.calendar", "collectivite.deadline.source"]  # pylint: disable=consider-merging-classes-inherited

    _deadline_fields = frozenset({"tz", "two_weeks_calendar", "flexible_hours"})

    def _deadline_changes(self):
        return [[[calendar.id], None, None] for calendar in self]
