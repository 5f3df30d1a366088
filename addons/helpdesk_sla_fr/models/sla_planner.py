"""The SLA planner: due dates and statuses of many tickets at once, in plain
Python (no ORM, no database).

The core, ``plan_columns``, works on columns (one list per attribute, aligned
on the tickets) of integers: instants are naive UTC microseconds since the
epoch (``to_us``), as the working-time service computes them, so that tens
of thousands of tickets cost no datetime nor dict each. ``plan_deadlines``
and ``plan_at_risk`` are the same on *items*, dicts with:

- ``contract``: its contract, anything with ``id`` and ``at_risk_share`` (a
  percentage), falsy when the ticket has none;
- ``calendar``: the working-time calendar its deadlines run on, anything
  hashable with the working-time service's two batch methods on
  microseconds, ``_add_working_time_us(starts, amounts, unit)`` and
  ``_working_time_between_us(starts, ends)`` (``resource.calendar`` records);
- ``priority``, ``ticket_type``, ``start`` (naive UTC datetime),
  ``paused_hours`` and ``first_response``.

The contract's targets come as a mapping ``{(contract_id, priority, kind):
(amount, unit)}`` (``helpdesk.sla.contract._target_map``), ``kind`` being
``"response"`` or ``"resolution"`` and ``unit`` ``"hours"`` or ``"days"``.
The calendars are called once per calendar and unit, never once per ticket.
"""

from collections import defaultdict

from odoo.addons.collectivite_base.models.resource_calendar_working_time import (
    US_PER_HOUR,
    from_us,
    to_us,
)

KINDS = ("response", "resolution")


def plan_columns(tickets, targets, at_risk=True):
    """Due dates of ``tickets``, a dict of aligned columns: ``contract``
    (ids, falsy when none), ``share`` (the contract's at-risk percentage),
    ``calendar``, ``priority``, ``ticket_type``, ``start`` (microseconds),
    ``paused_hours`` and ``answered`` (a first response was given). The
    ``calendar`` column may hold keys (e.g. ids, cheaper to hash than
    records) of the calendars given in ``tickets["calendars"]``.

    Returns the columns ``response``, ``resolution``, ``deadline`` (the next
    deadline: first response, then resolution) and, when ``at_risk``,
    ``at_risk``: microseconds, ``None`` where nothing is due."""
    contracts = tickets["contract"]
    calendars = tickets["calendar"]
    starts = tickets["start"]
    count = len(starts)
    due = {"response": [None] * count, "resolution": [None] * count}
    # the targets of each (contract, priority), looked up once
    plans = {}
    groups = defaultdict(lambda: ([], [], []))  # (calendar, unit) -> indexes, kinds, amounts
    for index, (contract, priority, ticket_type) in enumerate(
        zip(contracts, tickets["priority"], tickets["ticket_type"], strict=True)
    ):
        if not contract or ticket_type != "incident":
            continue
        plan = plans.get((contract, priority))
        if plan is None:
            plan = plans[(contract, priority)] = [
                (kind, *targets[(contract, priority, kind)])
                for kind in KINDS
                if targets.get((contract, priority, kind))
            ]
        calendar = calendars[index]
        for kind, amount, unit in plan:
            indexes, kinds, amounts = groups[(calendar, unit)]
            indexes.append(index)
            kinds.append(kind)
            amounts.append(amount)
    # one call per calendar and unit, with one amount per start
    for (calendar, unit), (indexes, kinds, amounts) in groups.items():
        dues = _calendar(tickets, calendar)._add_working_time_us(
            [starts[i] for i in indexes], amounts, unit
        )
        for index, kind, value in zip(indexes, kinds, dues, strict=True):
            due[kind][index] = value
    _shift_by_pauses(tickets, due)
    response, resolution = due["response"], due["resolution"]
    deadline = [
        res if r is None or (answered and res is not None) else r
        for r, res, answered in zip(response, resolution, tickets["answered"], strict=True)
    ]
    result = {"response": response, "resolution": resolution, "deadline": deadline}
    if at_risk:
        result["at_risk"] = at_risk_columns(tickets, deadline)
    return result


def _shift_by_pauses(tickets, due):
    """A pause moves the due dates of ``due`` by the paused working time."""
    shifts = defaultdict(lambda: ([], [], []))  # calendar -> indexes, kinds, hours
    for index, paused in enumerate(tickets["paused_hours"]):
        hours = round(paused or 0.0, 6)
        if hours > 0:
            for kind in KINDS:
                if due[kind][index] is not None:
                    indexes, kinds, amounts = shifts[tickets["calendar"][index]]
                    indexes.append(index)
                    kinds.append(kind)
                    amounts.append(hours)
    for calendar, (indexes, kinds, amounts) in shifts.items():
        dues = _calendar(tickets, calendar)._add_working_time_us(
            [due[kind][i] for i, kind in zip(indexes, kinds, strict=True)], amounts, "hours"
        )
        for index, kind, value in zip(indexes, kinds, dues, strict=True):
            due[kind][index] = value


def at_risk_columns(tickets, deadline):
    """The instants (microseconds, ``None`` without deadline) when the
    contract's share of the working time allowed until ``deadline`` has
    elapsed, to the minute."""
    starts = tickets["start"]
    result = [None] * len(starts)
    by_calendar = defaultdict(list)
    for index, (calendar, value) in enumerate(zip(tickets["calendar"], deadline, strict=True)):
        if value is not None:
            by_calendar[calendar].append(index)
    shares = tickets["share"]
    for key, indexes in by_calendar.items():
        calendar = _calendar(tickets, key)
        allowed = calendar._working_time_between_us(
            [starts[i] for i in indexes], [deadline[i] for i in indexes]
        )
        risky, amounts = [], []
        for index, value in zip(indexes, allowed, strict=True):
            amount = round(value / US_PER_HOUR * (shares[index] / 100.0) * 60) / 60  # minute
            if amount > 0:
                risky.append(index)
                amounts.append(amount)
            else:
                result[index] = starts[index]
        if risky:
            dates = calendar._add_working_time_us([starts[i] for i in risky], amounts, "hours")
            for index, value in zip(risky, dates, strict=True):
                result[index] = value
    return result


def _calendar(tickets, key):
    calendars = tickets.get("calendars")
    return calendars[key] if calendars else key


def _columns(items):
    """The columns of ``plan_columns`` from items (see the module's docstring)."""
    return {
        "contract": [item["contract"].id if item["contract"] else False for item in items],
        "share": [item["contract"].at_risk_share if item["contract"] else 0.0 for item in items],
        "calendar": [item["calendar"] for item in items],
        "priority": [item["priority"] for item in items],
        "ticket_type": [item["ticket_type"] for item in items],
        "start": [to_us(item["start"]) for item in items],
        "paused_hours": [item.get("paused_hours") or 0.0 for item in items],
        "answered": [bool(item["first_response"]) for item in items],
    }


def _datetime(value):
    return False if value is None else from_us(value)


def plan_deadlines(items, targets, at_risk=True):
    """Due dates of ``items``: one dict per item with ``date_response_due``,
    ``date_resolution_due``, ``date_sla_deadline`` (the next deadline: first
    response, then resolution) and, when ``at_risk``, ``date_sla_at_risk``
    (``False`` where nothing is due)."""
    plan = plan_columns(_columns(items), targets, at_risk=at_risk)
    names = {
        "date_response_due": plan["response"],
        "date_resolution_due": plan["resolution"],
        "date_sla_deadline": plan["deadline"],
    }
    if at_risk:
        names["date_sla_at_risk"] = plan["at_risk"]
    return [
        {name: _datetime(values[index]) for name, values in names.items()}
        for index in range(len(items))
    ]


def plan_at_risk(items, result, by_calendar):
    """Fill ``date_sla_at_risk`` of ``result`` (aligned on ``items``, each with
    its ``date_sla_deadline``) for the indexes grouped in ``by_calendar``
    (``{calendar: [index, ...]}``): the instant when the contract's share of
    the allowed working time has elapsed, to the minute."""
    indexes = [index for members in by_calendar.values() for index in members]
    chosen = [items[index] for index in indexes]
    deadline = [
        to_us(result[index]["date_sla_deadline"]) if result[index]["date_sla_deadline"] else None
        for index in indexes
    ]
    for index, value in zip(indexes, at_risk_columns(_columns(chosen), deadline), strict=True):
        result[index]["date_sla_at_risk"] = _datetime(value)


def open_status(deadline, at_risk, now, paused=False, current=False):
    """``sla_status`` of an open ticket on microseconds (``None`` for no
    date): unchanged (``current``) while paused, else ``breached``,
    ``at_risk`` or ``on_time``; ``False`` when nothing is due."""
    if deadline is None:
        return False
    if paused and current:
        return current
    if now >= deadline:
        return "breached"
    if at_risk is not None and now >= at_risk:
        return "at_risk"
    return "on_time"


def sla_status(values, now, closed_date=False, paused=False, current=False):
    """SLA status of a ticket from its due dates ``values`` as of ``now``:
    ``met``/``breached`` once closed (against the resolution due date, or the
    first response against the response due date when only that is due),
    unchanged (``current``) while paused, else ``breached``, ``at_risk`` or
    ``on_time``; ``False`` when nothing is due."""
    deadline = values.get("date_sla_deadline")
    if not deadline:
        return False
    if closed_date:
        limit = values.get("date_resolution_due")
        response_due = values.get("date_response_due")
        if not limit and response_due:
            # Response targets only: met when the first response came in time.
            answered = values.get("date_first_response") or closed_date
            return "met" if answered <= response_due else "breached"
        return "met" if closed_date <= (limit or deadline) else "breached"
    if paused and current:
        return current
    if now >= deadline:
        return "breached"
    at_risk = values.get("date_sla_at_risk")
    if at_risk and now >= at_risk:
        return "at_risk"
    return "on_time"
