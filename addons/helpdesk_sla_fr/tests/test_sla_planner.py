"""The SLA planner alone: plain Python, no database (a calendar open around the
clock stands for the working-time service)."""

from datetime import datetime, timedelta
from typing import NamedTuple

from odoo.tests import BaseCase, tagged

from odoo.addons.collectivite_base.models.resource_calendar_working_time import (
    US_PER_HOUR,
    to_us,
)
from odoo.addons.helpdesk_sla_fr.models import sla_planner


class Contract(NamedTuple):
    id: int
    at_risk_share: float


class AroundTheClock:
    """A calendar where every hour works and a working day is 24 hours; it
    counts the calls the planner makes."""

    def __init__(self):
        self.calls = []

    # the working-time service's batch methods on microseconds since the epoch
    def _add_working_time_us(self, starts, amounts, unit):
        self.calls.append(("add", unit, len(starts)))
        step = US_PER_HOUR * (24 if unit == "days" else 1)
        return [
            start + int(round(step * amount)) for start, amount in zip(starts, amounts, strict=True)
        ]

    def _working_time_between_us(self, starts, ends):
        self.calls.append(("between", len(starts)))
        return [max(end - start, 0) for start, end in zip(starts, ends, strict=True)]


START = datetime(2026, 3, 2, 9, 0)
CONTRACT = Contract(id=1, at_risk_share=75.0)
TARGETS = {
    (1, "3", "response"): (1, "hours"),
    (1, "3", "resolution"): (4, "hours"),
    (1, "1", "resolution"): (2, "days"),
}


def item(calendar, **values):
    return {
        "contract": CONTRACT,
        "calendar": calendar,
        "priority": "3",
        "ticket_type": "incident",
        "start": START,
        "paused_hours": 0.0,
        "first_response": False,
        **values,
    }


@tagged("post_install", "-at_install")
class TestSlaPlanner(BaseCase):
    def setUp(self):
        super().setUp()
        self.calendar = AroundTheClock()

    def test_deadline_is_the_response_then_the_resolution(self):
        waiting, answered = sla_planner.plan_deadlines(
            [item(self.calendar), item(self.calendar, first_response=START)], TARGETS
        )
        for values in (waiting, answered):
            self.assertEqual(values["date_response_due"], START + timedelta(hours=1))
            self.assertEqual(values["date_resolution_due"], START + timedelta(hours=4))
        self.assertEqual(waiting["date_sla_deadline"], START + timedelta(hours=1))
        self.assertEqual(answered["date_sla_deadline"], START + timedelta(hours=4))
        # at risk once 75 % of the allowed time has elapsed
        self.assertEqual(waiting["date_sla_at_risk"], START + timedelta(minutes=45))
        self.assertEqual(answered["date_sla_at_risk"], START + timedelta(hours=3))

    def test_nothing_due_without_contract_target_or_for_evolutions(self):
        plans = sla_planner.plan_deadlines(
            [
                item(self.calendar, contract=False),
                item(self.calendar, ticket_type="evolution"),
                item(self.calendar, priority="2"),
            ],
            TARGETS,
        )
        for values in plans:
            self.assertEqual(
                values,
                {
                    "date_response_due": False,
                    "date_resolution_due": False,
                    "date_sla_deadline": False,
                    "date_sla_at_risk": False,
                },
            )
        self.assertFalse(self.calendar.calls)

    def test_resolution_only_target_in_days(self):
        (values,) = sla_planner.plan_deadlines([item(self.calendar, priority="1")], TARGETS)
        self.assertFalse(values["date_response_due"])
        self.assertEqual(values["date_resolution_due"], START + timedelta(days=2))
        self.assertEqual(values["date_sla_deadline"], START + timedelta(days=2))

    def test_a_pause_moves_the_due_dates(self):
        (values,) = sla_planner.plan_deadlines(
            [item(self.calendar, paused_hours=2.5)], TARGETS, at_risk=False
        )
        self.assertEqual(values["date_response_due"], START + timedelta(hours=3.5))
        self.assertEqual(values["date_resolution_due"], START + timedelta(hours=6.5))
        self.assertNotIn("date_sla_at_risk", values)

    def test_one_call_per_calendar_and_unit(self):
        other = AroundTheClock()
        items = [item(self.calendar) for _i in range(50)] + [
            item(other, priority="1") for _i in range(30)
        ]
        sla_planner.plan_deadlines(items, TARGETS)
        self.assertEqual(
            self.calendar.calls, [("add", "hours", 100), ("between", 50), ("add", "hours", 50)]
        )
        self.assertEqual(other.calls, [("add", "days", 30), ("between", 30), ("add", "hours", 30)])

    def test_no_working_time_left_is_at_risk_from_the_start(self):
        items = [item(self.calendar, contract=Contract(id=1, at_risk_share=0.0))]
        result = [{"date_sla_deadline": START + timedelta(hours=1)}]
        sla_planner.plan_at_risk(items, result, {self.calendar: [0]})
        self.assertEqual(result[0]["date_sla_at_risk"], START)

    def test_columns_in_microseconds(self):
        """The recompute's planner: columns of integers in, columns out, the
        same due dates as the items' planner, ``None`` where nothing is due."""
        start = to_us(START)
        plan = sla_planner.plan_columns(
            {
                "contract": [1, 1, 1, False],
                "share": [75.0, 75.0, 75.0, 0.0],
                "calendar": [self.calendar] * 4,
                "priority": ["3", "3", "1", "3"],
                "ticket_type": ["incident", "incident", "incident", "incident"],
                "start": [start] * 4,
                "paused_hours": [0.0, 2.0, 0.0, 0.0],
                "answered": [False, True, False, False],
            },
            TARGETS,
        )
        hour = US_PER_HOUR
        self.assertEqual(plan["response"], [start + hour, start + 3 * hour, None, None])
        self.assertEqual(
            plan["resolution"], [start + 4 * hour, start + 6 * hour, start + 48 * hour, None]
        )
        self.assertEqual(
            plan["deadline"], [start + hour, start + 6 * hour, start + 48 * hour, None]
        )
        self.assertEqual(
            plan["at_risk"],
            [start + 0.75 * hour, start + 4.5 * hour, start + 36 * hour, None],
        )
        # one call per calendar and unit, as for items
        self.assertEqual(
            self.calendar.calls,
            [
                ("add", "hours", 4),
                ("add", "days", 1),
                ("add", "hours", 2),
                ("between", 3),
                ("add", "hours", 3),
            ],
        )
        status = sla_planner.open_status
        deadline, at_risk = start + 4 * hour, start + 3 * hour
        self.assertFalse(status(None, None, start))
        self.assertEqual(status(deadline, at_risk, start), "on_time")
        self.assertEqual(status(deadline, at_risk, at_risk), "at_risk")
        self.assertEqual(status(deadline, None, at_risk), "on_time")
        self.assertEqual(status(deadline, at_risk, deadline), "breached")
        self.assertEqual(status(deadline, at_risk, deadline, True, "at_risk"), "at_risk")

    def test_status(self):
        values = {
            "date_sla_at_risk": START + timedelta(hours=3),
            "date_sla_deadline": START + timedelta(hours=4),
            "date_resolution_due": START + timedelta(hours=4),
        }
        status = sla_planner.sla_status
        self.assertFalse(status({}, START))
        self.assertEqual(status(values, START), "on_time")
        self.assertEqual(status(values, START + timedelta(hours=3)), "at_risk")
        self.assertEqual(status(values, START + timedelta(hours=4)), "breached")
        after = START + timedelta(hours=5)
        self.assertEqual(status(values, after, paused=True, current="on_time"), "on_time")
        self.assertEqual(status(values, after, closed_date=START + timedelta(hours=4)), "met")
        self.assertEqual(status(values, after, closed_date=after), "breached")

    def test_status_of_response_targets_only(self):
        """A contract with first-response targets only: a closed ticket met its
        contract when it was answered in time, however long it took to close."""
        values = {
            "date_sla_deadline": START + timedelta(hours=1),
            "date_response_due": START + timedelta(hours=1),
            "date_first_response": START + timedelta(minutes=20),
        }
        status = sla_planner.sla_status
        after = START + timedelta(hours=6)
        self.assertEqual(status(values, after, closed_date=after), "met")
        late = dict(values, date_first_response=START + timedelta(hours=2))
        self.assertEqual(status(late, after, closed_date=after), "breached")
        # closed without any answer: the closing is the answer
        unanswered = dict(values, date_first_response=False)
        self.assertEqual(status(unanswered, after, closed_date=after), "breached")
        self.assertEqual(
            status(unanswered, after, closed_date=START + timedelta(minutes=30)), "met"
        )
