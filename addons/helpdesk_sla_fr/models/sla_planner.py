"""The SLA planner: due dates and statuses of many tickets at once, in plain
Python (no ORM, no database).

A ticket to plan is an *item*, a dict with:

- ``contract``: its contract, anything with ``id`` and ``at_risk_share`` (a
  percentage), falsy when the ticket has none;
- ``calendar``: the working-time calendar its deadlines run on, anything
  hashable with the working-time service's two batch methods,
  ``add_working_time(starts, amounts, unit)`` and
  ``working_time_between(starts, ends)`` (``resource.calendar`` records);
- ``priority``, ``ticket_type``, ``start`` (naive UTC datetime),
  ``paused_hours`` and ``first_response``.

The contract's targets come as a mapping ``{(contract_id, priority, kind):
(amount, unit)}`` (``helpdesk.sla.contract._target_map``), ``kind`` being
``"response"`` or ``"resolution"`` and ``unit`` ``"hours"`` or ``"days"``.
The calendars are called once per calendar and unit, never once per ticket.
"""

from collections import defaultdict

KINDS = ("response", "resolution")


def plan_deadlines(items, targets, at_risk=True):
    """Due dates of ``items``: one dict per item with ``date_response_due``,
    ``date_resolution_due``, ``date_sla_deadline`` (the next deadline: first
    response, then resolution) and, when ``at_risk``, ``date_sla_at_risk``
    (``False`` where nothing is due)."""
    result = [
        {
            "date_response_due": False,
            "date_resolution_due": False,
            "date_sla_deadline": False,
            "date_sla_at_risk": False,
        }
        for _item in items
    ]
    groups = defaultdict(list)
    for index, item in enumerate(items):
        if not item["contract"] or item["ticket_type"] != "incident":
            continue
        for kind in KINDS:
            target = targets.get((item["contract"].id, item["priority"], kind))
            if target:
                amount, unit = target
                groups[(item["calendar"], unit)].append((index, kind, amount))
    # one call per calendar and unit, with one amount per start
    for (calendar, unit), members in groups.items():
        dues = calendar.add_working_time(
            [items[i]["start"] for i, _k, _a in members], [a for _i, _k, a in members], unit
        )
        for (index, kind, _amount), due in zip(members, dues, strict=True):
            result[index][f"date_{kind}_due"] = due
    _shift_by_pauses(items, result)
    # The current deadline, and when the ticket becomes at risk.
    by_calendar = defaultdict(list)
    for index, item in enumerate(items):
        values = result[index]
        deadline = values["date_resolution_due"]
        if values["date_response_due"] and (not item["first_response"] or not deadline):
            deadline = values["date_response_due"]
        values["date_sla_deadline"] = deadline
        if deadline:
            by_calendar[item["calendar"]].append(index)
    if not at_risk:
        for values in result:
            del values["date_sla_at_risk"]
        return result
    plan_at_risk(items, result, by_calendar)
    return result


def _shift_by_pauses(items, result):
    """A pause moves the due dates of ``result`` by the paused working time."""
    shifts = defaultdict(list)
    for index, item in enumerate(items):
        hours = round(item.get("paused_hours") or 0.0, 6)
        if hours > 0:
            for kind in KINDS:
                if result[index][f"date_{kind}_due"]:
                    shifts[item["calendar"]].append((index, kind, hours))
    for calendar, members in shifts.items():
        dues = calendar.add_working_time(
            [result[i][f"date_{kind}_due"] for i, kind, _h in members],
            [hours for _i, _k, hours in members],
            "hours",
        )
        for (index, kind, _hours), due in zip(members, dues, strict=True):
            result[index][f"date_{kind}_due"] = due


def plan_at_risk(items, result, by_calendar):
    """Fill ``date_sla_at_risk`` of ``result`` (aligned on ``items``, each with
    its ``date_sla_deadline``) for the indexes grouped in ``by_calendar``
    (``{calendar: [index, ...]}``): the instant when the contract's share of
    the allowed working time has elapsed, to the minute."""
    risk_groups = defaultdict(list)
    for calendar, members in by_calendar.items():
        allowed = calendar.working_time_between(
            [items[i]["start"] for i in members],
            [result[i]["date_sla_deadline"] for i in members],
        )
        for index, hours in zip(members, allowed, strict=True):
            share = items[index]["contract"].at_risk_share / 100.0
            amount = round(hours * share * 60) / 60  # to the minute
            if amount > 0:
                risk_groups[calendar].append((index, amount))
            else:
                result[index]["date_sla_at_risk"] = items[index]["start"]
    for calendar, members in risk_groups.items():
        dates = calendar.add_working_time(
            [items[i]["start"] for i, _a in members], [a for _i, a in members], "hours"
        )
        for (index, _amount), date in zip(members, dates, strict=True):
            result[index]["date_sla_at_risk"] = date


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
