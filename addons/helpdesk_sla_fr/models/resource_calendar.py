from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo import fields, models

UTC = ZoneInfo("UTC")
SUNDAY = "6"


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    has_sunday_holidays = fields.Boolean(
        string="Public Holidays as Sundays",
        help="The generated public holidays keep the opening periods of Sunday instead of "
        "closing the whole day (on-call calendars open on weekends and public holidays).",
    )

    def _generate_french_holidays(self, first_year, last_year):
        count = super()._generate_french_holidays(first_year, last_year)
        self.filtered(
            lambda calendar: calendar.has_french_holidays and calendar.has_sunday_holidays
        )._sla_open_holidays_as_sundays(first_year, last_year)
        return count

    def _sla_open_holidays_as_sundays(self, first_year, last_year):
        """Replace each generated whole-day public holiday of ``self`` by the
        closed hours of a Sunday (its complement of Sunday's opening periods):
        the holiday then opens as a Sunday. Idempotent: the pieces no longer
        cover a whole day, and the generation skips a day it already covers."""
        if not self:
            return
        Leave = self.env["resource.calendar.leaves"]
        holidays = Leave.search_fetch(
            [
                ("calendar_id", "in", self.ids),
                ("is_french_holiday", "=", True),
                ("resource_id", "=", False),
                ("date_from", "<", datetime(last_year + 1, 1, 2)),
                ("date_to", ">", datetime(first_year - 1, 12, 31)),
            ],
            ["name", "calendar_id", "date_from", "date_to"],
        )
        closed_hours = {calendar.id: calendar._sla_sunday_closed_hours() for calendar in self}
        whole_days = Leave
        vals_list = []
        for leave in holidays:
            calendar = leave.calendar_id
            zone = ZoneInfo(calendar.tz or "UTC")
            start = leave.date_from.replace(tzinfo=UTC).astimezone(zone)
            stop = leave.date_to.replace(tzinfo=UTC).astimezone(zone)
            if start.time() != time(0) or stop != _midnight(start.date() + timedelta(days=1), zone):
                continue
            whole_days |= leave
            for hour_from, hour_to in closed_hours[calendar.id]:
                vals_list.append(
                    {
                        "name": leave.name,
                        "calendar_id": calendar.id,
                        "date_from": _at(start.date(), hour_from, zone),
                        "date_to": _at(start.date(), hour_to, zone),
                        "time_type": "leave",
                        "is_french_holiday": True,
                    }
                )
        whole_days.unlink()
        Leave.create(vals_list)

    def _sla_sunday_closed_hours(self):
        """``[(hour_from, hour_to)]`` of a Sunday outside its opening periods."""
        self.ensure_one()
        opened = sorted(
            (attendance.hour_from, attendance.hour_to)
            for attendance in self._get_working_attendances()
            if attendance.dayofweek == SUNDAY
        )
        closed = []
        cursor = 0.0
        for hour_from, hour_to in opened:
            if hour_from > cursor:
                closed.append((cursor, hour_from))
            cursor = max(cursor, hour_to)
        if cursor < 24.0:
            closed.append((cursor, 24.0))
        return closed


def _midnight(day, zone):
    """Local midnight (aware) of ``day``."""
    return datetime.combine(day, time(0)).replace(tzinfo=zone)


def _at(day, hour, zone):
    """Naive UTC datetime of the local wall time ``hour`` (float) of ``day``."""
    local = datetime.combine(day, time(0)) + timedelta(minutes=round(hour * 60))
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
