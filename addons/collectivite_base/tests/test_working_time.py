"""The working-time service on the contracts' own cases, batches, DST, long
ranges and bad input."""

import time
from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .common import (
    PARIS,
    RESOTIC_WINDOWS,
    WEBRSA_WINDOWS,
    NaiveCalendar,
    make_calendar,
    paris,
    to_paris,
)


@tagged("post_install", "-at_install")
class TestWorkingTime(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.resotic = make_calendar(cls.env, "RESOTIC", RESOTIC_WINDOWS, has_french_holidays=True)
        cls.webrsa = make_calendar(cls.env, "WebRSA", WEBRSA_WINDOWS, has_french_holidays=True)
        (cls.resotic | cls.webrsa)._generate_french_holidays(2025, 2028)
        cls.agent = new_test_user(
            cls.env, login="wt_agent", groups="collectivite_base.collectivite_group_agent"
        )

    # ------------------------------------------------------------------
    # contract cases
    # ------------------------------------------------------------------
    def test_resotic_urgent_contract_cases(self):
        """4 working hours: Friday 20 Nov 16:00 -> Monday 23 Nov 11:30; Tuesday
        10 Nov 16:00 -> Thursday 12 Nov 11:30 (11 November is a holiday)."""
        starts = [paris(2026, 11, 20, 16, 0), paris(2026, 11, 10, 16, 0)]
        deadlines = self.resotic.with_user(self.agent).add_working_time(starts, 4, "hours")
        self.assertEqual(deadlines, [paris(2026, 11, 23, 11, 30), paris(2026, 11, 12, 11, 30)])

    def test_resotic_other_priorities(self):
        start = paris(2026, 11, 20, 16, 0)  # Friday
        # 16 h: 1.5 Friday + 6.5 Mon, Tue, 1.5 Wed -> Wednesday 10:30
        self.assertEqual(
            self.resotic.add_working_time([start], 16, "hours"), [paris(2026, 11, 25, 10, 30)]
        )
        # 40 h: 1.5 + 5 * 6.5 = 34, 6 more on Monday 30 -> 17:00
        self.assertEqual(
            self.resotic.add_working_time([start], 40, "hours"), [paris(2026, 11, 30, 17, 0)]
        )

    def test_start_outside_opening_hours(self):
        """Outside opening hours the clock starts at the next opening."""
        cases = [
            (paris(2026, 11, 21, 10, 0), paris(2026, 11, 23, 15, 0)),  # Saturday
            (paris(2026, 11, 23, 7, 0), paris(2026, 11, 23, 15, 0)),  # before opening
            (paris(2026, 11, 23, 12, 30), paris(2026, 11, 24, 9, 30)),  # lunch break
            (paris(2026, 11, 23, 17, 30), paris(2026, 11, 24, 15, 0)),  # at the close
            (paris(2026, 11, 11, 10, 0), paris(2026, 11, 12, 15, 0)),  # holiday
        ]
        starts = [start for start, _due in cases]
        self.assertEqual(
            self.resotic.add_working_time(starts, 4, "hours"), [due for _start, due in cases]
        )

    def test_deadline_at_a_closing_time(self):
        """Reached exactly at a close, the deadline is the close (as plan_hours)."""
        start = paris(2026, 11, 23, 9, 0)
        self.assertEqual(
            self.resotic.add_working_time([start], 3, "hours"), [paris(2026, 11, 23, 12, 0)]
        )
        self.assertEqual(
            self.resotic.plan_hours(3, start, compute_leaves=True), paris(2026, 11, 23, 12, 0)
        )

    def test_webrsa_working_days(self):
        """P1 2 days, P2 7 days, P3 21 days, same local time, short Friday."""
        cases = [
            # Thursday 26 Nov 10:00 + 2 days -> Monday 30 Nov 10:00
            (paris(2026, 11, 26, 10, 0), 2, paris(2026, 11, 30, 10, 0)),
            # Wednesday 25 Nov 17:15 + 2 days -> Friday 27 Nov, closes at 17:00
            (paris(2026, 11, 25, 17, 15), 2, paris(2026, 11, 27, 17, 0)),
            # Thursday 26 Nov 17:15 + 1 day -> Friday 27 Nov 17:00 (short Friday)
            (paris(2026, 11, 26, 17, 15), 1, paris(2026, 11, 27, 17, 0)),
            # Friday 27 Nov 16:00 + 7 days -> Tuesday 8 Dec 16:00
            (paris(2026, 11, 27, 16, 0), 7, paris(2026, 12, 8, 16, 0)),
            # Tuesday 10 Nov 09:00 + 2 days -> Friday 13 Nov (11 Nov is a holiday)
            (paris(2026, 11, 10, 9, 0), 2, paris(2026, 11, 13, 9, 0)),
            # Saturday: first moves to Monday 8:30
            (paris(2026, 11, 21, 11, 0), 2, paris(2026, 11, 25, 8, 30)),
            # Friday 17:30 (closed): moves to Monday 8:30, + 1 day -> Tuesday 8:30
            (paris(2026, 11, 20, 17, 30), 1, paris(2026, 11, 24, 8, 30)),
            # 21 days from Monday 7 Dec 2026 10:00, over Christmas and New Year
            (paris(2026, 12, 7, 10, 0), 21, paris(2027, 1, 7, 10, 0)),
        ]
        for start, days, due in cases:
            with self.subTest(start=to_paris(start), days=days):
                self.assertEqual(self.webrsa.add_working_time([start], days, "days"), [due])

    def test_working_days_clamp_to_the_next_opening(self):
        """A local time before the promised day's opening moves to its opening."""
        calendar = make_calendar(self.env, "Late Monday", {**RESOTIC_WINDOWS, 0: [(14, 18)]})
        # Friday 20 Nov 10:00 + 1 day -> Monday 23 Nov opens at 14:00
        self.assertEqual(
            calendar.add_working_time([paris(2026, 11, 20, 10, 0)], 1, "days"),
            [paris(2026, 11, 23, 14, 0)],
        )
        # Friday 20 Nov 17:00 + 1 day -> Monday 17:00 (inside Monday's hours)
        self.assertEqual(
            calendar.add_working_time([paris(2026, 11, 20, 17, 0)], 1, "days"),
            [paris(2026, 11, 23, 17, 0)],
        )

    def test_dst_weekends(self):
        """Local times are kept across the last Sundays of March and October."""
        # Friday 27 March 2026 16:00 (UTC+1) + 4 h -> Monday 30 March 11:30 (UTC+2)
        start = paris(2026, 3, 27, 16, 0)
        self.assertEqual(start, datetime(2026, 3, 27, 15, 0))
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [datetime(2026, 3, 30, 9, 30)]
        )
        # Friday 23 October 16:00 (UTC+2) + 1 day -> Monday 26 October 16:00 (UTC+1)
        start = paris(2026, 10, 23, 16, 0)
        self.assertEqual(start, datetime(2026, 10, 23, 14, 0))
        self.assertEqual(
            self.webrsa.add_working_time([start], 1, "days"), [datetime(2026, 10, 26, 15, 0)]
        )
        self.assertEqual(
            self.resotic.working_time_between(
                [paris(2026, 3, 27, 9, 0)], [paris(2026, 3, 30, 12, 0)]
            ),
            [9.5],
        )

    def test_batch_keeps_the_order(self):
        starts = [paris(2026, 11, day, hour, 0) for day in (27, 9, 20, 2) for hour in (16, 8)]
        batch = self.resotic.add_working_time(starts, 4, "hours")
        one_by_one = [self.resotic.add_working_time([s], 4, "hours")[0] for s in starts]
        self.assertEqual(batch, one_by_one)
        self.assertEqual(self.resotic.add_working_time([], 4, "hours"), [])
        self.assertEqual(self.resotic.working_time_between([], []), [])
        # aware datetimes are read as the instant they are
        aware = datetime(2026, 11, 20, 16, 0, tzinfo=PARIS)
        self.assertEqual(
            self.resotic.add_working_time([aware], 4, "hours"), [paris(2026, 11, 23, 11, 30)]
        )

    def test_one_amount_per_start(self):
        starts = [paris(2026, 11, 20, 16, 0), paris(2026, 11, 10, 16, 0), paris(2026, 11, 20, 16)]
        self.assertEqual(
            self.resotic.add_working_time(starts, [4, 4, 16], "hours"),
            [paris(2026, 11, 23, 11, 30), paris(2026, 11, 12, 11, 30), paris(2026, 11, 25, 10, 30)],
        )
        self.assertEqual(
            self.webrsa.add_working_time(starts, (1, 2, 7.0), "days"),
            [paris(2026, 11, 23, 16, 0), paris(2026, 11, 13, 16, 0), paris(2026, 12, 1, 16, 0)],
        )
        with self.assertRaises(UserError):
            self.resotic.add_working_time(starts, [4, 4], "hours")
        with self.assertRaises(UserError):
            self.resotic.add_working_time(starts, [4, 0, 4], "hours")
        with self.assertRaises(UserError):
            self.webrsa.add_working_time(starts, [1, 2, 2.5], "days")

    def test_working_time_between(self):
        starts = [paris(2026, 11, 20, 16, 0), paris(2026, 11, 23, 11, 30), paris(2026, 11, 10, 9)]
        ends = [paris(2026, 11, 23, 11, 30), paris(2026, 11, 20, 16, 0), paris(2026, 11, 12, 9)]
        self.assertEqual(self.resotic.working_time_between(starts, ends), [4.0, 0.0, 6.5])

    def test_matches_odoo_plan_hours_on_a_year(self):
        starts = [paris(2026, 1, 1, 0, 0) + timedelta(minutes=617 * i) for i in range(850)]
        deadlines = self.resotic.add_working_time(starts, 4, "hours")
        for start, deadline in list(zip(starts, deadlines, strict=True))[::17]:
            self.assertEqual(deadline, self.resotic.plan_hours(4, start, compute_leaves=True))

    def test_beyond_1400_days(self):
        """plan_hours gives up (False) past about 1,400 days; the service does not."""
        start = paris(2026, 1, 5, 9, 0)
        hours = 3 * 1400 * 6.5  # about 4,200 working days
        deadline = self.resotic.add_working_time([start], hours, "hours")[0]
        self.assertFalse(self.resotic.plan_hours(hours, start, compute_leaves=True))
        self.assertGreater(deadline, start + timedelta(days=4000))
        self.assertAlmostEqual(
            self.resotic.working_time_between([start], [deadline])[0], hours, places=6
        )
        # without holidays beyond 2028 the naive walk agrees on a shorter one
        naive_hours = 1450 * 6.5 / 5
        leaves = [
            (leave.date_from, leave.date_to)
            for leave in self.resotic.leave_ids.filtered(lambda leave: not leave.resource_id)
        ]
        naive = NaiveCalendar(RESOTIC_WINDOWS, leaves, max_days=1500)
        self.assertEqual(
            self.resotic.add_working_time([start], naive_hours, "hours"),
            [naive.add_hours(start, naive_hours)],
        )
        # plan_days counts the start day: its N + 1-th day is our N-th day after
        self.assertEqual(
            self.webrsa.add_working_time([start], 300, "days")[0].date(),
            self.webrsa.plan_days(301, start, compute_leaves=True).date(),
        )

    def test_global_leaves_not_generated_are_honoured(self):
        """Any global leave counts: of this calendar or of no calendar; a
        resource's own leave does not."""
        start = paris(2026, 6, 1, 9, 0)  # Monday
        leave = self.env["resource.calendar.leaves"].create(
            {
                "name": "Fermeture exceptionnelle",
                "calendar_id": self.resotic.id,
                "date_from": paris(2026, 6, 1, 0, 0),
                "date_to": paris(2026, 6, 1, 11, 0),
            }
        )
        # 11:00-12:00 and 14:00-17:00
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 17, 0)]
        )
        # a leave of no calendar counts when it has no company either (this
        # calendar is shared by all companies), not when it is another company's
        leave.calendar_id = False
        leave.company_id = False
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 17, 0)]
        )
        leave.company_id = self.env.company
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 15, 0)]
        )
        own = make_calendar(self.env, "Own", RESOTIC_WINDOWS, company_id=self.env.company.id)
        self.assertEqual(own.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 17, 0)])
        resource = self.env["resource.resource"].create(
            {"name": "Agent", "calendar_id": self.resotic.id}
        )
        leave.write({"resource_id": resource.id, "calendar_id": self.resotic.id})
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 15, 0)]
        )
        leave.write({"resource_id": False, "time_type": "other"})
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 15, 0)]
        )

    def test_table_of_the_transaction(self):
        """The table is reused within the transaction, and dropped when a leave
        or an opening period changes, or when a start is before its range."""
        start = paris(2026, 6, 1, 9, 0)  # Monday
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 15, 0)]
        )
        self.env.flush_all()
        with self.assertQueryCount(0):
            self.assertEqual(
                self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 15, 0)]
            )
            self.assertEqual(
                self.resotic.working_time_between([start], [paris(2026, 6, 1, 15, 0)]), [4.0]
            )
        # a leave created after a first computation counts in the next one
        leave = self.env["resource.calendar.leaves"].create(
            {
                "name": "Fermeture exceptionnelle",
                "calendar_id": self.resotic.id,
                "date_from": paris(2026, 6, 1, 0, 0),
                "date_to": paris(2026, 6, 1, 11, 0),
            }
        )
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 17, 0)]
        )
        # a leave of no calendar (and no company) applies to every calendar
        leave.calendar_id = False
        leave.company_id = False
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 17, 0)]
        )
        leave.unlink()
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 15, 0)]
        )
        # an opening period changed: Monday morning now opens at 8:00
        monday_morning = self.resotic.attendance_ids.filtered(
            lambda attendance: attendance.dayofweek == "0" and attendance.hour_from == 9
        )
        monday_morning.hour_from = 8
        self.assertEqual(
            self.resotic.add_working_time([paris(2026, 6, 1, 8, 0)], 4, "hours"),
            [paris(2026, 6, 1, 12, 0)],
        )
        # a start before the table's range gets a new table
        self.assertEqual(
            self.resotic.add_working_time([paris(2026, 5, 22, 16, 0)], 4, "hours"),
            [paris(2026, 5, 26, 11, 30)],
        )
        # a commit or a rollback drops the tables
        self.env.cr.postcommit.clear()
        self.assertEqual(
            self.resotic.add_working_time([paris(2026, 6, 1, 8, 0)], 4, "hours"),
            [paris(2026, 6, 1, 12, 0)],
        )

    def test_table_data_across_transactions(self):
        """A new transaction builds its table from the registry cache without a
        query; a leave created (in any transaction) clears that cache."""
        start = paris(2026, 6, 1, 9, 0)  # Monday
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 15, 0)]
        )
        self.env.flush_all()
        # what a new transaction starts with: no table, no record cache
        self.env.cr.postcommit.clear()
        self.env.invalidate_all()
        with self.assertQueryCount(0):
            self.assertEqual(
                self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 15, 0)]
            )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Fermeture exceptionnelle",
                "calendar_id": self.resotic.id,
                "date_from": paris(2026, 6, 1, 0, 0),
                "date_to": paris(2026, 6, 1, 11, 0),
            }
        )
        self.env.flush_all()
        self.env.cr.postcommit.clear()
        self.env.invalidate_all()
        self.assertEqual(
            self.resotic.add_working_time([start], 4, "hours"), [paris(2026, 6, 1, 17, 0)]
        )
        # so does a changed opening period: Monday morning now opens at 8:00
        monday_morning = self.resotic.attendance_ids.filtered(
            lambda attendance: attendance.dayofweek == "0" and attendance.hour_from == 9
        )
        monday_morning.hour_from = 8
        self.env.flush_all()
        self.env.cr.postcommit.clear()
        self.env.invalidate_all()
        self.assertEqual(
            self.resotic.add_working_time([paris(2026, 6, 8, 8, 0)], 4, "hours"),
            [paris(2026, 6, 8, 12, 0)],
        )

    def test_personal_time_off_keeps_the_cache(self):
        """A leave of one resource (an agent's day off) is no closure of the
        calendar: deadlines and the caches they come from are unchanged."""
        start = paris(2026, 6, 1, 9, 0)  # Monday
        expected = [paris(2026, 6, 1, 15, 0)]
        self.assertEqual(self.resotic.add_working_time([start], 4, "hours"), expected)
        resource = self.env["resource.resource"].create(
            {"name": "Agent en congé", "calendar_id": self.resotic.id}
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Congé",
                "calendar_id": self.resotic.id,
                "resource_id": resource.id,
                "date_from": paris(2026, 6, 1, 0, 0),
                "date_to": paris(2026, 6, 1, 23, 0),
            }
        )
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(0):
            self.assertEqual(self.resotic.add_working_time([start], 4, "hours"), expected)

    def test_same_deadlines_for_every_company(self):
        """The shared calendar's holidays count for an agent of another company
        only (the multi-company rule does not hide them from the computation)."""
        cergy = self.env["res.company"].create({"name": "Cergy"})
        agent = new_test_user(
            self.env,
            login="wt_agent_cergy",
            groups="collectivite_base.collectivite_group_agent",
            company_id=cergy.id,
            company_ids=[Command.set(cergy.ids)],
        )
        holidays = self.resotic.leave_ids.filtered("is_french_holiday")
        self.assertEqual(set(holidays.company_id.ids), set())
        starts = [paris(2026, 11, 10, 16, 0)]
        self.assertEqual(
            self.resotic.with_user(agent).add_working_time(starts, 4, "hours"),
            [paris(2026, 11, 12, 11, 30)],
        )
        other_company_closure = self.env["resource.calendar.leaves"].create(
            {
                "name": "Pont",
                "calendar_id": self.resotic.id,
                "date_from": paris(2026, 11, 12, 0, 0),
                "date_to": paris(2026, 11, 13, 0, 0),
            }
        )
        self.assertFalse(other_company_closure.company_id)
        other_company_closure.company_id = self.env.company
        self.assertEqual(other_company_closure.company_id, self.env.company)
        self.assertEqual(
            self.resotic.with_user(agent).add_working_time(starts, 4, "hours"),
            [paris(2026, 11, 13, 11, 30)],
        )
        self.assertEqual(
            self.resotic.add_working_time(starts, 4, "hours"), [paris(2026, 11, 13, 11, 30)]
        )

    def test_two_weeks_and_dated_attendances(self):
        """Two-week calendars and dated attendances, against Odoo's plan_hours."""
        calendar = make_calendar(self.env, "Alternate", {0: [(9, 12)]})
        calendar.write(
            {
                "two_weeks_calendar": True,
                "attendance_ids": [
                    Command.clear(),
                    *[
                        Command.create(
                            {
                                "name": f"{day} {week}",
                                "dayofweek": day,
                                "hour_from": 9,
                                "hour_to": 12,
                                "week_type": week,
                                "date_from": date_from,
                                "date_to": date_to,
                            }
                        )
                        for day, week, date_from, date_to in [
                            ("0", "0", False, False),
                            ("1", "1", False, False),
                            ("2", "0", date(2026, 12, 1), date(2026, 12, 31)),
                            ("2", "1", date(2026, 12, 1), date(2026, 12, 31)),
                        ]
                    ],
                ],
            }
        )
        starts = [paris(2026, 11, 16, 9, 0) + timedelta(hours=29 * i) for i in range(40)]
        deadlines = calendar.add_working_time(starts, 4, "hours")
        expected = [calendar.plan_hours(4, start, compute_leaves=True) for start in starts]
        self.assertEqual(deadlines, expected)

    def test_speed_of_a_batch(self):
        """10,000 deadlines in one call stay far below a plan_hours per deadline."""
        starts = [paris(2026, 1, 1, 0, 0) + timedelta(minutes=97 * i) for i in range(10000)]
        begin = time.perf_counter()
        self.resotic.add_working_time(starts, 16, "hours")
        self.resotic.add_working_time(starts, 7, "days")
        self.assertLess(time.perf_counter() - begin, 2.0)

    # ------------------------------------------------------------------
    # bad input
    # ------------------------------------------------------------------
    def test_bad_amounts_and_units(self):
        start = [paris(2026, 11, 20, 16, 0)]
        for amount in (0, -1, -0.5, float("nan"), float("inf"), "4", None, True):
            with self.subTest(amount=amount), self.assertRaises(UserError):
                self.resotic.add_working_time(start, amount, "hours")
        with self.assertRaises(UserError):
            self.resotic.add_working_time(start, 1.5, "days")
        self.assertEqual(len(self.resotic.add_working_time(start, 2.0, "days")), 1)
        with self.assertRaises(UserError):
            self.resotic.add_working_time(start, 4, "weeks")
        with self.assertRaises(UserError):
            self.resotic.add_working_time(["2026-11-20 16:00:00"], 4, "hours")
        with self.assertRaises(UserError):
            self.resotic.working_time_between(start, start * 2)

    def test_calendar_without_working_time_is_refused(self):
        with self.assertRaises(ValidationError):
            make_calendar(self.env, "Empty", {})
        with self.assertRaises(ValidationError):
            make_calendar(self.env, "Reversed", {0: [(17, 9)]})
        calendar = make_calendar(self.env, "Monday", {0: [(9, 12)]})
        with self.assertRaises(ValidationError):
            calendar.attendance_ids = [Command.clear()]
        self.assertEqual(len(calendar.attendance_ids), 1)
        # flexible calendars have no opening hours and are not for deadlines
        flexible = self.env["resource.calendar"].create(
            {"name": "Flexible", "flexible_hours": True, "attendance_ids": [Command.clear()]}
        )
        with self.assertRaises(UserError):
            flexible.add_working_time([paris(2026, 1, 5, 9, 0)], 1, "hours")

    def test_no_working_time_left_does_not_loop(self):
        """Leaves covering everything, or attendances that ended: an error, no loop."""
        calendar = make_calendar(self.env, "Closed", {0: [(9, 12)]})
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Closed",
                "calendar_id": calendar.id,
                "date_from": datetime(2026, 1, 1),
                "date_to": datetime(2400, 1, 1),
            }
        )
        for unit in ("hours", "days"):
            with self.assertRaises(UserError):
                calendar.add_working_time([paris(2026, 1, 5, 9, 0)], 1, unit)
        ended = make_calendar(self.env, "Ended", {0: [(9, 12)]})
        ended.attendance_ids.date_to = datetime(2026, 1, 1).date()
        with self.assertRaises(UserError):
            ended.add_working_time([paris(2026, 1, 5, 9, 0)], 1, "hours")

    # ------------------------------------------------------------------
    # shipped calendar and company setting
    # ------------------------------------------------------------------
    def test_shipped_calendar_and_company_default(self):
        calendar = self.env.ref("collectivite_base.resource_calendar_collectivite")
        self.assertEqual(calendar.tz, "Europe/Paris")
        self.assertAlmostEqual(calendar.hours_per_day, 7.5)
        self.assertTrue(calendar.has_french_holidays)
        self.assertGreaterEqual(calendar.french_holidays_until, datetime.now().year + 1)
        self.assertEqual(self.env.company.collectivite_calendar_id, calendar)
        company = self.env["res.company"].create({"name": "Cergy"})
        self.assertEqual(company.collectivite_calendar_id, calendar)
        # Monday 23 Nov 2026 16:00 + 4 h: 1.5 h + 2.5 h -> Tuesday 11:00
        self.assertEqual(
            calendar.add_working_time([paris(2026, 11, 23, 16, 0)], 4, "hours"),
            [paris(2026, 11, 24, 11, 0)],
        )

    def test_company_form_shows_the_business_calendar(self):
        form = Form(self.env.company)
        self.assertEqual(
            form.collectivite_calendar_id,
            self.env.ref("collectivite_base.resource_calendar_collectivite"),
        )
        form.collectivite_calendar_id = self.resotic
        form.save()
        self.assertEqual(self.env.company.collectivite_calendar_id, self.resotic)

    def test_messages_in_french(self):
        # make test loads French; load it here too when this database lacks it.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search(
            [("name", "=", "collectivite_base")]
        )._load_module_terms(["collectivite_base"], ["fr_FR"])
        calendar = self.resotic.with_context(lang="fr_FR")
        with self.assertRaisesRegex(UserError, "Unité de temps ouvré «\u00a0weeks\u00a0» inconnue"):
            calendar.add_working_time([paris(2026, 11, 20, 16, 0)], 4, "weeks")
        with self.assertRaisesRegex(ValidationError, "n'a aucun temps ouvré"):
            make_calendar(self.env(context={"lang": "fr_FR"}), "Vide", {})

    def test_calendar_form_holiday_options(self):
        with Form(self.env["resource.calendar"]) as form:
            form.name = "Médiathèque"
            form.tz = "Europe/Paris"
            form.has_french_holidays = True
            form.is_alsace_moselle = True
            with form.global_leave_ids.new() as closure:
                closure.name = "Inventaire"
                closure.date_from = paris(2026, 6, 1, 0, 0)
                closure.date_to = paris(2026, 6, 2, 0, 0)
        calendar = form.record
        self.assertEqual(calendar.global_leave_ids.name, "Inventaire")
        self.assertEqual(calendar.global_leave_ids.company_id, calendar.company_id)
        # 8:00-12:00, 13:00-17:00 (Odoo's default): Monday closed -> Tuesday
        self.assertEqual(
            calendar.add_working_time([paris(2026, 6, 1, 8, 0)], 4, "hours"),
            [paris(2026, 6, 2, 12, 0)],
        )
        self.assertTrue(calendar.attendance_ids)
        calendar.action_generate_french_holidays()
        this_year = date.today().year
        self.assertEqual(calendar.french_holidays_until, this_year + 2)
        self.assertEqual(len(calendar.leave_ids.filtered("is_french_holiday")), 4 * 13)
        self.assertEqual(len(calendar.global_leave_ids), 4 * 13 + 1)
