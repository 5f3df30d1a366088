import logging
import numbers
from datetime import datetime
from zoneinfo import ZoneInfo

from odoo import api, models, tools
from odoo.exceptions import UserError, ValidationError

from .collectivite_working_time_source import WORKING_TIME_TABLES_KEY
from .resource_calendar_working_time import (
    US_PER_HOUR,
    Attendance,
    NoWorkingTimeError,
    WorkingTimeTable,
    from_us,
    to_us,
)

_logger = logging.getLogger(__name__)

UTC = ZoneInfo("UTC")
WORKING_TIME_UNITS = ("hours", "days")


class ResourceCalendar(models.Model):
    _name = "resource.calendar"
    _inherit = ["resource.calendar", "collectivite.working.time.source"]

    # ------------------------------------------------------------------
    # constraints
    # ------------------------------------------------------------------
    @api.constrains("attendance_ids", "flexible_hours")
    def _check_working_time(self):
        for calendar in self:
            if calendar.flexible_hours:
                continue
            if not calendar._get_working_attendances():
                raise ValidationError(
                    self.env._(
                        "The working schedule “%(name)s” has no working time: add at least one "
                        "opening period (a day of the week with a start hour before its end hour).",
                        name=calendar.name,
                    )
                )

    def _get_working_attendances(self):
        """Attendances that open the calendar (no break, no section, no resource)."""
        self.ensure_one()
        return self.attendance_ids.filtered(
            lambda attendance: (
                not attendance.display_type
                and attendance.day_period != "lunch"
                and not attendance.resource_id
                and attendance.hour_to > attendance.hour_from
            )
        )

    # ------------------------------------------------------------------
    # working-time service
    # ------------------------------------------------------------------
    def _working_time_table(self, first_us=None):
        """The :class:`WorkingTimeTable` of this calendar for the current transaction.

        The table is built once per calendar and transaction and reused by the
        next computations of the same transaction, growing as they need; it is
        dropped at commit and rollback, and whenever a calendar, an attendance or
        a leave is created, modified or deleted (``_clear_registry_cache``).
        A table built from a later date than ``first_us`` (naive UTC microseconds)
        is replaced. What it is built from comes from the registry cache
        (``_working_time_terms``, ``_working_time_leaves``): a table of a new
        transaction costs no query once another one has read the same data.
        The access to the calendar is checked at every call.
        """
        self.ensure_one()
        self.check_access("read")
        if not isinstance(self.id, int):
            return self._new_working_time_table()
        tables = self.env.cr.postcommit.data.setdefault(WORKING_TIME_TABLES_KEY, {})
        table = tables.get(self.id)
        if table is None or (first_us is not None and not table.starts_before(first_us)):
            table = tables[self.id] = self._new_working_time_table()
        return table

    @api.model
    @tools.ormcache("calendar_id")
    def _working_time_terms(self, calendar_id):
        """What a table of calendar ``calendar_id`` is built from, besides its
        leaves, as immutable data kept in the registry across transactions:
        ``(tz, two_weeks, flexible_hours, company_id, attendances)``, the
        attendances as ``(dayofweek, hour_from, hour_to, week_type, date_from,
        date_to)`` tuples. Cleared by any change of a calendar, an attendance
        or a leave (``collectivite.working.time.source``)."""
        # sudo: the same data whoever computes; callers check the access to the calendar.
        return self.sudo().browse(calendar_id)._read_working_time_terms()

    @api.model
    @tools.ormcache("calendar_id", "first_year", "last_year")
    def _working_time_leaves(self, calendar_id, first_year, last_year):
        """Global leaves of calendar ``calendar_id`` overlapping the UTC years
        ``first_year``..``last_year``, as sorted ``(start_us, stop_us)`` pairs
        kept in the registry across transactions (see ``_working_time_terms``).

        Global leaves: type "time off", no resource, of this calendar, or of no
        calendar and of the calendar's company or none.
        """
        company_id = self._working_time_terms(calendar_id)[3]
        leaves = self._fetch_working_time_leaves(
            calendar_id, company_id, datetime(first_year, 1, 1), datetime(last_year + 1, 1, 1)
        )
        return tuple(sorted(leaves))

    @api.model
    def _fetch_working_time_leaves(self, calendar_id, company_id, date_from, date_to):
        """``(start_us, stop_us)`` of the global leaves of a calendar overlapping
        ``[date_from, date_to)`` (naive UTC)."""
        companies = [False, company_id] if company_id else [False]
        # sudo: the calendar's own closures, read for a user allowed to read the
        # calendar (checked by the caller), so that a deadline never depends on who computes
        # it (the multi-company rule would hide a shared calendar's holidays).
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search_fetch(
                [
                    ("time_type", "=", "leave"),
                    ("resource_id", "=", False),
                    "|",
                    ("calendar_id", "=", calendar_id),
                    "&",
                    ("calendar_id", "=", False),
                    ("company_id", "in", companies),
                    ("date_from", "<", date_to),
                    ("date_to", ">", date_from),
                ],
                ["date_from", "date_to"],
            )
        )
        return [(to_us(leave.date_from), to_us(leave.date_to)) for leave in leaves]

    def _new_working_time_table(self):
        """A :class:`WorkingTimeTable` of this calendar, still empty.

        Built from the registry cache: the attendances (``_working_time_terms``)
        and the global leaves of the years each range of the table covers
        (``_working_time_leaves``). Callers fill it with ``start_table`` and
        query it in batch. The caller checks the access.
        """
        self.ensure_one()
        if not isinstance(self.id, int):
            terms = self._read_working_time_terms()

            def load_new_leaves(start_us, stop_us):
                return self._fetch_working_time_leaves(
                    self.id, terms[3], from_us(start_us), from_us(stop_us)
                )

            return self._build_working_time_table(terms, load_new_leaves)
        calendar_id = self.id
        terms = self._working_time_terms(calendar_id)

        def load_leaves(start_us, stop_us):
            first_year = from_us(start_us).year
            last_year = from_us(stop_us).year
            return [
                (leave_start, leave_stop)
                for leave_start, leave_stop in self._working_time_leaves(
                    calendar_id, first_year, last_year
                )
                if leave_start < stop_us and leave_stop > start_us
            ]

        return self._build_working_time_table(terms, load_leaves)

    def _read_working_time_terms(self):
        """``_working_time_terms`` read from the records (no cache)."""
        self.ensure_one()
        two_weeks = self.two_weeks_calendar
        return (
            self.tz,
            two_weeks,
            self.flexible_hours,
            self.company_id.id,
            tuple(
                (
                    attendance.dayofweek,
                    attendance.hour_from,
                    attendance.hour_to,
                    attendance.week_type if two_weeks else None,
                    attendance.date_from or None,
                    attendance.date_to or None,
                )
                for attendance in self._get_working_attendances()
            ),
        )

    def _build_working_time_table(self, terms, load_leaves):
        tz, two_weeks, flexible_hours, _company_id, attendances = terms
        if flexible_hours:
            raise UserError(
                self.env._(
                    "The working schedule “%(name)s” has flexible hours: deadlines in working "
                    "time cannot be computed on it.",
                    name=self.name,
                )
            )
        if not attendances:
            self._raise_no_working_time()
        return WorkingTimeTable(
            tz,
            [
                Attendance(
                    dayofweek,
                    hour_from,
                    hour_to,
                    week_type=week_type,
                    date_from=date_from,
                    date_to=date_to,
                )
                for dayofweek, hour_from, hour_to, week_type, date_from, date_to in attendances
            ],
            two_weeks=two_weeks,
            load_leaves=load_leaves,
        )

    def _raise_no_working_time(self):
        raise UserError(
            self.env._(
                "The working schedule “%(name)s” has no working time in the period needed "
                "for this computation.",
                name=self.name,
            )
        )

    @api.model
    def _check_working_time_starts(self, starts):
        """Naive UTC datetimes (aware ones are converted) as microseconds."""
        result = []
        for value in starts:
            if not isinstance(value, datetime):
                raise UserError(
                    self.env._(
                        "A working-time computation needs date and time values, not “%(value)s”.",
                        value=value,
                    )
                )
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            result.append(to_us(value))
        return result

    def add_working_time(self, starts, amount, unit):
        """Deadlines of ``starts`` plus ``amount`` working ``unit`` on this calendar.

        :param starts: list of naive UTC datetimes
        :param amount: positive number of hours (int or float) or of days (whole
            number); or a list of them, one per start
        :param unit: ``"hours"`` or ``"days"``
        :return: list of naive UTC datetimes, in the order of ``starts``

        Working hours: the instant where the working time since the start reaches
        ``amount``. Working days: the start moves to the next opening if it is
        outside opening hours; the deadline is the same local time on the N-th
        working day after it, moved to that day's next opening when it falls
        before its opening or in a break, and to that day's last close when it is
        after it. See ``readme/USAGE.md``.
        """
        self.ensure_one()
        if isinstance(amount, list | tuple):
            if len(amount) != len(starts):
                raise UserError(
                    self.env._(
                        "A working-time computation needs as many amounts (%(amounts)s) as "
                        "starts (%(starts)s).",
                        amounts=len(amount),
                        starts=len(starts),
                    )
                )
            amounts = list(amount)
        else:
            amounts = [amount] * len(starts)
        values = self._check_working_time_starts(starts)
        return [from_us(value) for value in self._add_working_time_us(values, amounts, unit)]

    def _add_working_time_us(self, values, amounts, unit):
        """:meth:`add_working_time` on integers: ``values`` are naive UTC
        microseconds since the epoch (``to_us``), one amount per value, and
        so are the deadlines returned. For callers that handle many
        deadlines as columns (no datetime per deadline)."""
        self.ensure_one()
        if unit not in WORKING_TIME_UNITS:
            raise UserError(
                self.env._(
                    "Unknown working-time unit “%(unit)s”: use “hours” or “days”.", unit=unit
                )
            )
        for value in set(amounts):
            self._check_working_time_amount(value, unit)
        if not values:
            return []
        table = self._working_time_table(min(values))
        # a first guess of the range; the table extends itself when it falls short
        highest = max(amounts)
        if unit == "hours":
            extra_days = highest / max(table.weekly_hours(), 1) * 7 * 1.2 + 14
        else:
            extra_days = highest / max(len(table.per_weekday), 1) * 7 * 1.2 + 14
        try:
            table.start_table(min(values), max(values), extra_days=min(extra_days, 3700))
            if unit == "hours":
                in_us = {value: int(round(value * US_PER_HOUR)) for value in set(amounts)}
                return table.add_hours(values, [in_us[value] for value in amounts])
            return table.add_days(values, [int(value) for value in amounts])
        except NoWorkingTimeError:
            self._raise_no_working_time()

    @api.model
    def _check_working_time_amount(self, amount, unit):
        if (
            isinstance(amount, bool)
            or not isinstance(amount, numbers.Real)
            or not amount > 0
            or amount == float("inf")
        ):
            raise UserError(
                self.env._(
                    "A working-time amount must be a positive number, not “%(amount)s”.",
                    amount=amount,
                )
            )
        if unit == "days" and amount != int(amount):
            raise UserError(
                self.env._(
                    "A number of working days must be a whole number, not “%(amount)s”.",
                    amount=amount,
                )
            )

    def working_time_between(self, starts, ends):
        """Working hours (floats) between each ``starts[i]`` and ``ends[i]``.

        Both lists hold naive UTC datetimes and have the same length; a pair
        whose end is not after its start counts 0.
        """
        self.ensure_one()
        if len(starts) != len(ends):
            raise UserError(
                self.env._(
                    "Working time between dates needs as many ends (%(ends)s) as starts "
                    "(%(starts)s).",
                    ends=len(ends),
                    starts=len(starts),
                )
            )
        start_values = self._check_working_time_starts(starts)
        end_values = self._check_working_time_starts(ends)
        return [
            value / US_PER_HOUR for value in self._working_time_between_us(start_values, end_values)
        ]

    def _working_time_between_us(self, start_values, end_values):
        """:meth:`working_time_between` on integers: naive UTC microseconds
        since the epoch in, working microseconds out."""
        self.ensure_one()
        if not start_values:
            return []
        first = min(start_values)
        table = self._working_time_table(first)
        table.start_table(first, max(max(end_values), max(start_values)))
        return table.between(start_values, end_values)
