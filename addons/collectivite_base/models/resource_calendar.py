import logging
import numbers
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models, tools
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

try:
    import holidays
except ImportError:  # pragma: no cover - declared in external_dependencies
    holidays = None

_logger = logging.getLogger(__name__)

UTC = ZoneInfo("UTC")
WORKING_TIME_UNITS = ("hours", "days")
# Years of holidays kept ahead of the current one (and behind it).
HOLIDAY_YEARS_AHEAD = 2
HOLIDAY_YEARS_BEHIND = 1
# Calendars handled by one run of the yearly cron.
CRON_BATCH_SIZE = 50
# Key of the working-time tables of the current transaction in the cursor's
# post-commit data, which the cursor clears at every commit and rollback.
# Moselle (57), Bas-Rhin (67) and Haut-Rhin (68) share the local-law days (Good
# Friday, 26 December); the ``holidays`` package knows them under "57".
ALSACE_MOSELLE_SUBDIVISION = "57"


class ResourceCalendar(models.Model):
    _name = "resource.calendar"
    _inherit = ["resource.calendar", "collectivite.working.time.source"]

    has_french_holidays = fields.Boolean(
        string="French Public Holidays",
        help="Public holidays of France are generated as time off of this calendar and "
        "extended every year by a scheduled action.",
    )
    is_alsace_moselle = fields.Boolean(
        string="Alsace-Moselle",
        help="Add the local-law public holidays of Alsace-Moselle (Good Friday, 26 December).",
    )
    french_holidays_until = fields.Integer(
        string="Public Holidays Generated Until",
        readonly=True,
        copy=False,
        help="Last year for which the French public holidays were generated.",
    )

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
        if unit not in WORKING_TIME_UNITS:
            raise UserError(
                self.env._(
                    "Unknown working-time unit “%(unit)s”: use “hours” or “days”.", unit=unit
                )
            )
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
            for value in set(amounts):
                self._check_working_time_amount(value, unit)
        else:
            self._check_working_time_amount(amount, unit)
            amounts = [amount] * len(starts)
        values = self._check_working_time_starts(starts)
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
                deadlines = table.add_hours(values, [in_us[value] for value in amounts])
            else:
                deadlines = table.add_days(values, [int(value) for value in amounts])
        except NoWorkingTimeError:
            self._raise_no_working_time()
        return [from_us(value) for value in deadlines]

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
        if not start_values:
            return []
        first = min(start_values)
        table = self._working_time_table(first)
        table.start_table(first, max(end_values + start_values))
        return [value / US_PER_HOUR for value in table.between(start_values, end_values)]

    # ------------------------------------------------------------------
    # French public holidays
    # ------------------------------------------------------------------
    def _french_holiday_dates(self, years):
        """``{date: name}`` of the French public holidays of ``years`` for this calendar."""
        self.ensure_one()
        if holidays is None:
            raise UserError(
                self.env._("The Python package “holidays” is needed to generate public holidays.")
            )
        subdiv = ALSACE_MOSELLE_SUBDIVISION if self.is_alsace_moselle else None
        return dict(holidays.France(years=list(years), subdiv=subdiv, language="fr").items())

    def _generate_french_holidays(self, first_year, last_year):
        """Create the missing public holidays of ``first_year``..``last_year``.

        Idempotent: a day already covered by a global leave of the calendar is
        skipped; generated holidays that no longer apply (Alsace-Moselle days
        after the option is removed) are deleted within the years regenerated.
        Leaves span the whole local day in the calendar's time zone.
        """
        years = range(first_year, last_year + 1)
        first_day = datetime(first_year, 1, 1) - timedelta(days=2)
        last_day = datetime(last_year + 1, 1, 1) + timedelta(days=2)
        calendars = self.filtered("has_french_holidays")
        existing = self.env["resource.calendar.leaves"].search_fetch(
            [
                ("calendar_id", "in", calendars.ids),
                ("resource_id", "=", False),
                ("date_from", "<", last_day),
                ("date_to", ">", first_day),
            ],
            ["calendar_id", "date_from", "date_to", "is_french_holiday"],
        )
        existing_by_calendar = {}
        for leave in existing:
            existing_by_calendar.setdefault(leave.calendar_id.id, []).append(leave)
        vals_list = []
        obsolete = self.env["resource.calendar.leaves"]
        for calendar in calendars:
            zone = ZoneInfo(calendar.tz or "UTC")
            wanted = calendar._french_holiday_dates(years)
            leaves = existing_by_calendar.get(calendar.id, [])
            covered = []
            for leave in leaves:
                start, stop = calendar._local_day_bounds_of(leave, zone)
                if leave.is_french_holiday and not any(start <= day < stop for day in wanted):
                    if first_year <= start.year <= last_year:
                        obsolete |= leave
                        continue
                covered.append((leave.date_from, leave.date_to))
            for day, name in sorted(wanted.items()):
                date_from, date_to = _local_day_in_utc(day, zone)
                if any(start < date_to and stop > date_from for start, stop in covered):
                    continue
                vals_list.append(
                    {
                        "name": name,
                        "calendar_id": calendar.id,
                        "date_from": date_from,
                        "date_to": date_to,
                        "time_type": "leave",
                        "is_french_holiday": True,
                    }
                )
        obsolete.unlink()
        self.env["resource.calendar.leaves"].create(vals_list)
        calendars.filtered(lambda c: (c.french_holidays_until or 0) < last_year).write(
            {"french_holidays_until": last_year}
        )
        return len(vals_list)

    @staticmethod
    def _local_day_bounds_of(leave, zone):
        """Local dates ``[first, last)`` a leave touches (a full-day leave: one date)."""
        start = leave.date_from.replace(tzinfo=UTC).astimezone(zone)
        stop = leave.date_to.replace(tzinfo=UTC).astimezone(zone)
        last = stop.date() if stop.time() == time(0) else stop.date() + timedelta(days=1)
        return start.date(), last

    def action_generate_french_holidays(self):
        """Button: public holidays from last year to two years ahead."""
        this_year = fields.Date.context_today(self).year
        calendars = self.filtered("has_french_holidays")
        if not calendars:
            raise UserError(
                self.env._(
                    "Tick “French Public Holidays” on the working schedule before generating them."
                )
            )
        calendars._generate_french_holidays(
            this_year - HOLIDAY_YEARS_BEHIND, this_year + HOLIDAY_YEARS_AHEAD
        )
        return True

    @api.model
    def _cron_extend_french_holidays(self):
        """Yearly: keep the public holidays of every calendar two years ahead."""
        this_year = fields.Date.context_today(self).year
        target = this_year + HOLIDAY_YEARS_AHEAD
        domain = [
            ("has_french_holidays", "=", True),
            "|",
            ("french_holidays_until", "=", False),
            ("french_holidays_until", "<", target),
        ]
        calendars = self.search(domain, limit=CRON_BATCH_SIZE)
        per_first_year = {}
        for calendar in calendars:
            first_year = max(
                this_year - HOLIDAY_YEARS_BEHIND, (calendar.french_holidays_until or 0) + 1
            )
            per_first_year[first_year] = per_first_year.get(first_year, self.browse()) | calendar
        for first_year, group in per_first_year.items():
            group._generate_french_holidays(first_year, target)
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(calendars), remaining=remaining)


def _local_day_in_utc(day, zone):
    """Naive UTC bounds of the local day ``day`` (midnight to next midnight)."""
    start = datetime.combine(day, time(0)).replace(tzinfo=zone)
    stop = datetime.combine(day + timedelta(days=1), time(0)).replace(tzinfo=zone)
    return (
        start.astimezone(UTC).replace(tzinfo=None),
        stop.astimezone(UTC).replace(tzinfo=None),
    )
