"""Property tests: the working-time service against a naive quarter-by-quarter walk
(tests/common.py), on random calendars, leaves, starts and amounts, around the
DST weekends (last Sundays of March and October) and public holidays."""

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import TransactionCase, tagged

from .common import RESOTIC_WINDOWS, NaiveCalendar, make_calendar, paris

PROPERTY_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Starts are drawn over a few weeks from these days: both DST weekends of 2026
# (29 March, 25 October), Armistice and Christmas holidays.
ORIGINS = [date(2026, 3, 20), date(2026, 10, 17), date(2026, 11, 4), date(2026, 12, 18)]
# Wall-time boundaries inside 2:00-3:00 do not exist (March) or exist twice
# (October): the service resolves them with fold=0, the naive walk cannot say
# which, so random windows never start or end there (they may span it).
DST_HOUR = range(8, 12)  # quarters of 2:00-3:00
BOUNDARIES = [quarter for quarter in range(97) if quarter not in DST_HOUR]


@st.composite
def windows_strategy(draw, span_dst_hour=True):
    windows = {}
    for weekday in range(7):
        if draw(st.integers(0, 9)) < (3 if weekday >= 5 else 1):
            continue
        points = draw(
            st.lists(
                st.sampled_from(BOUNDARIES),
                min_size=2,
                max_size=4,
                unique=True,
            )
        )
        points.sort()
        if len(points) % 2:
            points.pop()
        pairs = [(points[i] / 4, points[i + 1] / 4) for i in range(0, len(points), 2)]
        if not span_dst_hour:
            pairs = [(f, t) for f, t in pairs if not (f < 3 and t > 2)]
        if pairs:
            windows[weekday] = pairs
    return windows


@st.composite
def leaves_strategy(draw, origin):
    leaves = []
    for _i in range(draw(st.integers(0, 4))):
        day = origin + timedelta(days=draw(st.integers(0, 30)))
        if draw(st.booleans()):
            # a public holiday: the whole local day
            start = paris(day.year, day.month, day.day, 0, 0)
            next_day = day + timedelta(days=1)
            stop = paris(next_day.year, next_day.month, next_day.day, 0, 0)
        else:
            start = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=15 * draw(st.integers(0, 95))
            )
            stop = start + timedelta(minutes=15 * draw(st.integers(1, 96)))
        leaves.append((start, stop))
    return leaves


@st.composite
def case_strategy(draw, span_dst_hour=True):
    origin = draw(st.sampled_from(ORIGINS))
    windows = draw(windows_strategy(span_dst_hour=span_dst_hour).filter(bool))
    leaves = draw(leaves_strategy(origin))
    starts = [
        datetime.combine(origin, datetime.min.time())
        + timedelta(minutes=15 * draw(st.integers(0, 14 * 96)))
        for _i in range(draw(st.integers(1, 4)))
    ]
    return windows, leaves, starts


@tagged("post_install", "-at_install")
class TestWorkingTimeProperties(TransactionCase):
    def _calendar(self, windows, leaves):
        calendar = make_calendar(self.env, "Random", windows)
        self.env["resource.calendar.leaves"].create(
            [
                {"name": "Leave", "calendar_id": calendar.id, "date_from": f, "date_to": t}
                for f, t in leaves
            ]
        )
        return calendar

    @PROPERTY_SETTINGS
    @given(
        case=case_strategy(),
        quarters=st.lists(st.integers(1, 200), min_size=4, max_size=4),
        one_amount=st.booleans(),
    )
    def test_add_hours_matches_naive_walk(self, case, quarters, one_amount):
        windows, leaves, starts = case
        calendar = self._calendar(windows, leaves)
        naive = NaiveCalendar(windows, leaves)
        hours = [q / 4 for q in quarters[: len(starts)]]
        if one_amount:
            hours = [hours[0]] * len(starts)
        expected = [naive.add_hours(start, h) for start, h in zip(starts, hours, strict=True)]
        amount = hours[0] if one_amount else hours
        self.assertEqual(calendar.add_working_time(starts, amount, "hours"), expected)

    @PROPERTY_SETTINGS
    @given(
        case=case_strategy(span_dst_hour=False),
        days=st.lists(st.integers(1, 12), min_size=4, max_size=4),
        one_amount=st.booleans(),
    )
    def test_add_days_matches_naive_walk(self, case, days, one_amount):
        windows, leaves, starts = case
        calendar = self._calendar(windows, leaves)
        naive = NaiveCalendar(windows, leaves)
        days = days[: len(starts)]
        if one_amount:
            days = [days[0]] * len(starts)
        expected = [naive.add_days(start, n) for start, n in zip(starts, days, strict=True)]
        amount = days[0] if one_amount else days
        self.assertEqual(calendar.add_working_time(starts, amount, "days"), expected)

    @PROPERTY_SETTINGS
    @given(case=case_strategy(), lengths=st.lists(st.integers(-96, 30 * 96), min_size=4))
    def test_working_time_between_matches_naive_walk(self, case, lengths):
        windows, leaves, starts = case
        calendar = self._calendar(windows, leaves)
        naive = NaiveCalendar(windows, leaves)
        lengths = lengths[: len(starts)]
        ends = [start + timedelta(minutes=15 * n) for start, n in zip(starts, lengths, strict=True)]
        expected = [naive.between(start, end) for start, end in zip(starts, ends, strict=True)]
        result = calendar.working_time_between(starts, ends)
        for value, wanted in zip(result, expected, strict=True):
            self.assertAlmostEqual(value, wanted, places=9)

    @PROPERTY_SETTINGS
    @given(
        seconds=st.lists(st.integers(0, 3 * 366 * 86400), min_size=1, max_size=20),
        hours=st.floats(0.001, 500, allow_nan=False),
    )
    def test_hours_round_trip_and_odoo_plan_hours(self, seconds, hours):
        """Any start (to the second), any amount: the working time between a start
        and its deadline is the amount, and Odoo's plan_hours agrees."""
        starts = [datetime(2025, 1, 1) + timedelta(seconds=s) for s in seconds]
        deadlines = self.resotic.add_working_time(starts, hours, "hours")
        for value in self.resotic.working_time_between(starts, deadlines):
            self.assertAlmostEqual(value, hours, places=6)
        for start, deadline in list(zip(starts, deadlines, strict=True))[:3]:
            expected = self.resotic.plan_hours(hours, start, compute_leaves=True)
            self.assertLessEqual(abs((deadline - expected).total_seconds()), 1e-5)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.resotic = make_calendar(cls.env, "RESOTIC", RESOTIC_WINDOWS, has_french_holidays=True)
        cls.resotic._generate_french_holidays(2024, 2029)
