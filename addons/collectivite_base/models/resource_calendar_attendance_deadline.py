from datetime import datetime, time, timedelta

from odoo import models


class ResourceCalendarAttendance(models.Model):
    """A change of the opening hours moves the deadlines of the records on
    the calendar (those of its dates, for a dated opening period)."""

    _name = "resource.calendar.attendance"
    # One concern per file: the working-time cache is in resource_calendar_attendance.py.
    _inherit = ["resource.calendar.attendance", "collectivite.deadline.source"]  # pylint: disable=consider-merging-classes-inherited

    _deadline_fields = frozenset(
        {
            "dayofweek",
            "hour_from",
            "hour_to",
            "week_type",
            "date_from",
            "date_to",
            "calendar_id",
            "day_period",
            "display_type",
            "resource_id",
        }
    )

    def _deadline_changes(self):
        day = timedelta(days=1)
        return [
            [
                [attendance.calendar_id.id],
                *self._deadline_span(
                    datetime.combine(attendance.date_from, time()) - day
                    if attendance.date_from
                    else None,
                    datetime.combine(attendance.date_to, time()) + 2 * day
                    if attendance.date_to
                    else None,
                ),
            ]
            for attendance in self
            if attendance.calendar_id and not attendance.resource_id
        ]
