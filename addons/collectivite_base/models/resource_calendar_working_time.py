"""Working-time table: the arithmetic behind ``resource.calendar.add_working_time``.

No ORM: a calendar's opening windows (per weekday, optionally per
week type and date range) are laid out on the local dates of a range, converted
to UTC in the calendar's time zone, minus the leaves, and kept as sorted lists of
integer microseconds since the Unix epoch together with the cumulative working
time before each interval. A position in working time is then one binary
search away, done for a whole column of instants at once (numpy's
``searchsorted``), so a batch of deadlines costs one load and well under a
microsecond a deadline.

Conventions (see ``readme/USAGE.md``):

- intervals are half-open ``[open, close)``: a start at a closing time is outside
  the opening hours and first moves to the next opening;
- adding hours: the deadline is the instant where the working time elapsed since
  the start reaches the amount (exactly at a closing time when it is reached
  there, as Odoo's ``plan_hours``);
- adding days: the start first moves to the next opening; the deadline is the
  same local wall time on the N-th working day after that day (a working day is
  a local date with some working time left after leaves). On that day, a wall
  time inside an opening window, or equal to its closing time, is kept; before
  the day's first opening or in a break it moves to the next opening of the
  same day; after the day's last close it becomes the day's last close;
- local wall times are resolved with ``zoneinfo`` and ``fold=0``.
"""

import bisect
import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

EPOCH = datetime(1970, 1, 1)
US_PER_SECOND = 1_000_000
US_PER_HOUR = 3600 * US_PER_SECOND
US_PER_DAY = 24 * US_PER_HOUR
EPOCH_ORDINAL = EPOCH.toordinal()
# How far beyond the starts a table may grow before the calendar is declared
# without working time (a guard against endless extension, e.g. attendances that
# all ended in the past or leaves covering everything).
MAX_EXTENSION_DAYS = 366 * 200


class NoWorkingTimeError(Exception):
    """The calendar has no working time in the range the computation needs."""


def to_us(value):
    """Naive UTC datetime -> integer microseconds since the epoch."""
    delta = value - EPOCH
    return (delta.days * 86400 + delta.seconds) * US_PER_SECOND + delta.microseconds


def from_us(value):
    """Integer microseconds since the epoch -> naive UTC datetime."""
    return EPOCH + timedelta(microseconds=value)


def hour_to_us(hour):
    """An attendance's float hour (8.5) -> microseconds after midnight.

    Rounded to the minute like Odoo's ``float_to_time``; 24 is midnight of the
    next day (Odoo uses 23:59:59.999999, one microsecond apart).
    """
    return int(round(hour * 60)) * 60 * US_PER_SECOND


class Attendance:
    """One opening window of a weekday (a ``resource.calendar.attendance``)."""

    __slots__ = ("date_from", "date_to", "dayofweek", "hour_from", "hour_to", "week_type")

    def __init__(self, dayofweek, hour_from, hour_to, week_type=None, date_from=None, date_to=None):
        self.dayofweek = int(dayofweek)
        self.hour_from = hour_to_us(hour_from)
        self.hour_to = hour_to_us(hour_to)
        self.week_type = None if week_type in (None, False) else int(week_type)
        self.date_from = date_from or None
        self.date_to = date_to or None


def week_type_of(day):
    """Odoo's week parity for two-week calendars (``get_week_type``)."""
    return int(math.floor((day.toordinal() - 1) / 7) % 2)


def merge(windows):
    """Sorted union of ``(start, stop)`` pairs, dropping empty ones."""
    result = []
    for start, stop in sorted(windows):
        if stop <= start:
            continue
        if result and start <= result[-1][1]:
            if stop > result[-1][1]:
                result[-1] = (result[-1][0], stop)
        else:
            result.append((start, stop))
    return result


class WorkingTimeTable:
    """Working intervals of one calendar over a growing range of local dates.

    :param tz: IANA name of the calendar's time zone
    :param attendances: list of :class:`Attendance`
    :param two_weeks: whether attendances depend on the week parity
    :param load_leaves: ``callable(start_us, stop_us)`` returning the leaves
        (``(start_us, stop_us)`` pairs) overlapping that UTC range; called once
        per (extension of the) range
    """

    def __init__(self, tz, attendances, two_weeks=False, load_leaves=None):
        self.zone = ZoneInfo(tz or "UTC")
        self.two_weeks = two_weeks
        self.load_leaves = load_leaves or (lambda start, stop: [])
        self.per_weekday = {}
        for attendance in attendances:
            if attendance.hour_to > attendance.hour_from:
                self.per_weekday.setdefault(attendance.dayofweek, []).append(attendance)
        # intervals (UTC microseconds), sorted, disjoint
        self.starts = []
        self.ends = []
        self.cum_before = []  # working time before each interval
        self.cum_after = []  # working time at the end of each interval
        self.interval_day = []  # index (in self.days) of the interval's local date
        self.wall_from = []  # local wall time of the start, microseconds after midnight
        self.wall_to = []  # local wall time of the end (may be 24 h)
        self.same_offset = []  # False when a DST change falls inside the interval
        # working days: local dates with working time
        self.days = []  # proleptic ordinals
        self.day_first = []  # first interval index of each working day
        self.day_last = []  # last interval index of each working day
        self.first_date = None  # local dates covered: [first_date, last_date]
        self.last_date = None
        self.total = 0
        self.days_covered = 0
        self._arrays = None  # the lists as arrays (``_columns``)

    def weekly_hours(self):
        """Opening hours of an average week (before leaves)."""
        total = sum(
            attendance.hour_to - attendance.hour_from
            for per_day in self.per_weekday.values()
            for attendance in per_day
        )
        return total / US_PER_HOUR / (2 if self.two_weeks else 1)

    # ------------------------------------------------------------------
    # building
    # ------------------------------------------------------------------
    def local_date(self, value_us):
        """Local date of a UTC instant."""
        aware = from_us(value_us).replace(tzinfo=UTC).astimezone(self.zone)
        return aware.date()

    def localize(self, day, wall_us):
        """UTC microseconds of the local wall time ``wall_us`` on ``day`` (fold=0)."""
        local = datetime.combine(day, datetime.min.time()) + timedelta(microseconds=wall_us)
        aware = local.replace(tzinfo=self.zone)
        return to_us(aware.astimezone(UTC).replace(tzinfo=None))

    def offset(self, value_us):
        """UTC offset (microseconds) of the calendar's zone at a UTC instant."""
        aware = from_us(value_us).replace(tzinfo=UTC).astimezone(self.zone)
        delta = aware.utcoffset()
        return (delta.days * 86400 + delta.seconds) * US_PER_SECOND + delta.microseconds

    def _windows(self, day):
        attendances = self.per_weekday.get(day.weekday(), ())
        if not attendances:
            return []
        week_type = week_type_of(day) if self.two_weeks else None
        windows = []
        for attendance in attendances:
            if self.two_weeks and attendance.week_type not in (None, week_type):
                continue
            if attendance.date_from and day < attendance.date_from:
                continue
            if attendance.date_to and attendance.date_to < day:
                continue
            windows.append((attendance.hour_from, attendance.hour_to))
        return merge(windows)

    def cover(self, first_date, last_date):
        """Make the table cover the local dates up to ``last_date`` (inclusive).

        The first call fixes the start of the table; later calls append.
        """
        if self.first_date is None:
            self.first_date = first_date
            start_day = first_date
        else:
            if last_date <= self.last_date:
                return
            start_day = self.last_date + timedelta(days=1)
        self.last_date = last_date
        self.days_covered = (last_date - self.first_date).days + 1
        if not self.per_weekday:
            return
        raw = []  # (day, start_us, stop_us)
        day = start_day
        one_day = timedelta(days=1)
        while day <= last_date:
            for wall_from, wall_to in self._windows(day):
                raw.append((day, self.localize(day, wall_from), self.localize(day, wall_to)))
            day += one_day
        if not raw:
            return
        leaves = merge(self.load_leaves(raw[0][1], raw[-1][2]))
        leave_starts = [leave[0] for leave in leaves]
        for day, start, stop in raw:
            # subtract the leaves overlapping [start, stop)
            index = max(0, bisect.bisect_right(leave_starts, start) - 1)
            pieces = []
            cursor = start
            while index < len(leaves) and leaves[index][0] < stop:
                leave_start, leave_stop = leaves[index]
                if leave_stop > cursor:
                    if leave_start > cursor:
                        pieces.append((cursor, leave_start))
                    cursor = max(cursor, leave_stop)
                    if cursor >= stop:
                        break
                index += 1
            if cursor < stop:
                pieces.append((cursor, stop))
            for piece_start, piece_stop in pieces:
                self._append(day, piece_start, piece_stop)

    def _append(self, day, start, stop):
        ordinal = day.toordinal()
        if not self.days or self.days[-1] != ordinal:
            self.days.append(ordinal)
            self.day_first.append(len(self.starts))
            self.day_last.append(len(self.starts))
        else:
            self.day_last[-1] = len(self.starts)
        midnight = (ordinal - EPOCH_ORDINAL) * US_PER_DAY
        offset_start = self.offset(start)
        offset_stop = self.offset(stop)
        self.starts.append(start)
        self.ends.append(stop)
        self.cum_before.append(self.total)
        self.total += stop - start
        self.cum_after.append(self.total)
        self.interval_day.append(len(self.days) - 1)
        self.wall_from.append(start + offset_start - midnight)
        self.wall_to.append(stop + offset_stop - midnight)
        self.same_offset.append(offset_start == offset_stop)

    def extend(self):
        """Double the covered range (at least 60 days)."""
        if self.days_covered > MAX_EXTENSION_DAYS:
            raise NoWorkingTimeError()
        self.cover(self.first_date, self.last_date + timedelta(days=max(60, self.days_covered)))

    def starts_before(self, first_us):
        """Whether the table already covers the local date before ``first_us``
        (a table only grows forward: an earlier start needs a new table)."""
        return self.first_date is None or self.first_date <= self.local_date(first_us) - timedelta(
            days=1
        )

    def start_table(self, first_us, last_us, extra_days=0):
        """Cover the local dates from ``first_us`` to ``last_us`` + ``extra_days``."""
        first_date = self.local_date(first_us) - timedelta(days=1)
        last_date = self.local_date(last_us) + timedelta(days=int(extra_days) + 1)
        self.cover(first_date, last_date)

    # ------------------------------------------------------------------
    # queries: on whole columns of instants at once (numpy), the table's
    # lists seen as arrays (``_columns``, rebuilt after the table grew)
    # ------------------------------------------------------------------
    def _columns(self):
        columns = self._arrays
        if columns is None or columns.size != len(self.starts):
            columns = self._arrays = _Columns(self)
        return columns

    def _locate(self, values):
        """For each of ``values`` (an int64 array): the index of the last
        interval starting at or before it (-1 before the first), that index
        clipped to 0, and whether the value is inside that interval."""
        columns = self._columns()
        index = np.searchsorted(columns.starts, values, side="right") - 1
        clipped = np.maximum(index, 0)
        inside = np.zeros(len(values), dtype=bool)
        if columns.size:
            inside = (index >= 0) & (values < columns.ends[clipped])
        return index, clipped, inside

    def _positions(self, values):
        """Working time elapsed from the start of the table to each of
        ``values`` (an int64 array)."""
        columns = self._columns()
        if not columns.size:
            return np.zeros_like(values)
        index, clipped, _inside = self._locate(values)
        elapsed = (
            columns.cum_before[clipped]
            + np.minimum(values, columns.ends[clipped])
            - columns.starts[clipped]
        )
        return np.where(index < 0, 0, elapsed)

    def add_hours(self, starts, amounts_us):
        """Deadlines (UTC microseconds) of ``starts[i]`` + ``amounts_us[i]`` of work."""
        if not starts:
            return []
        targets = self._positions(_int64(starts)) + _int64(amounts_us)
        highest = int(targets.max())
        while highest > self.total:
            self.extend()
        columns = self._columns()
        # the instant where the working time since the table's start reaches
        # the target (``0 < target <= self.total``)
        index = np.searchsorted(columns.cum_after, targets, side="left")
        return (columns.starts[index] + targets - columns.cum_before[index]).tolist()

    def add_days(self, starts, days):
        """Deadlines (UTC microseconds) of ``starts[i]`` + ``days[i]`` working days."""
        if not starts:
            return []
        values = _int64(starts)
        # the interval holding each start, or the next one
        index, _clipped, inside = self._locate(values)
        index = np.where(inside, index, index + 1)
        highest = int(index.max())
        while highest >= len(self.starts):
            self.extend()
        columns = self._columns()
        moved = np.where(inside, values, columns.starts[index])
        # the local wall time the work starts from (a DST change inside the
        # interval: through the time zone)
        wall = columns.wall_from[index] + moved - columns.starts[index]
        for at in np.flatnonzero(~columns.same_offset[index]):
            wall[at] = self.wall_time(int(index[at]), int(moved[at]))
        day_index = columns.interval_day[index] + _int64(days)
        highest = int(day_index.max())
        while highest >= len(self.days):
            self.extend()
        columns = self._columns()
        # on each target day, the first interval that closes at or after the
        # wall time (intervals keyed by day, then closing wall time)
        found = np.searchsorted(columns.day_close_keys, day_index * DAY_KEY + wall, side="left")
        last = columns.day_last[day_index]
        on_day = found <= last
        found = np.minimum(found, last)
        before = wall < columns.wall_from[found]
        result = np.where(
            on_day,
            np.where(
                before,
                columns.starts[found],
                columns.starts[found] + wall - columns.wall_from[found],
            ),
            columns.ends[last],
        )
        for at in np.flatnonzero(on_day & ~before & ~columns.same_offset[found]):
            result[at] = self.at_wall_time(int(day_index[at]), int(wall[at]))
        return result.tolist()

    def between(self, starts, ends):
        """Working time (microseconds) between each pair, 0 when end <= start."""
        if not starts:
            return []
        starts, ends = _int64(starts), _int64(ends)
        elapsed = self._positions(ends) - self._positions(starts)
        return np.where(ends > starts, elapsed, 0).tolist()

    def wall_time(self, index, value):
        """Local wall time (after midnight of the interval's day) of ``value``
        inside interval ``index``."""
        if self.same_offset[index]:
            return self.wall_from[index] + value - self.starts[index]
        midnight = (self.days[self.interval_day[index]] - EPOCH_ORDINAL) * US_PER_DAY
        return value + self.offset(value) - midnight

    def at_wall_time(self, day_index, wall):
        """Deadline on working day ``day_index`` for the local wall time ``wall``."""
        for index in range(self.day_first[day_index], self.day_last[day_index] + 1):
            if wall < self.wall_from[index]:
                return self.starts[index]
            if wall <= self.wall_to[index]:
                if self.same_offset[index]:
                    return self.starts[index] + wall - self.wall_from[index]
                day = date.fromordinal(self.days[day_index])
                value = self.localize(day, wall)
                return min(max(value, self.starts[index]), self.ends[index])
        return self.ends[self.day_last[day_index]]


# Intervals keyed by working day and closing wall time: ``day * DAY_KEY +
# wall_to`` (a wall time, even on a DST day, stays below two days).
DAY_KEY = 2 * US_PER_DAY


def _int64(values):
    return np.fromiter(values, dtype=np.int64, count=len(values))


class _Columns:
    """A table's interval lists as numpy arrays."""

    __slots__ = (
        "cum_after",
        "cum_before",
        "day_close_keys",
        "day_last",
        "ends",
        "interval_day",
        "same_offset",
        "size",
        "starts",
        "wall_from",
    )

    def __init__(self, table):
        self.size = len(table.starts)
        self.starts = np.array(table.starts, dtype=np.int64)
        self.ends = np.array(table.ends, dtype=np.int64)
        self.cum_before = np.array(table.cum_before, dtype=np.int64)
        self.cum_after = np.array(table.cum_after, dtype=np.int64)
        self.interval_day = np.array(table.interval_day, dtype=np.int64)
        self.wall_from = np.array(table.wall_from, dtype=np.int64)
        self.same_offset = np.array(table.same_offset, dtype=bool)
        self.day_last = np.array(table.day_last, dtype=np.int64)
        self.day_close_keys = self.interval_day * DAY_KEY + np.array(table.wall_to, dtype=np.int64)
