"""Shared helpers of collectivite_base's tests: calendars of the contracts and a
plain, deliberately naive working-time oracle used by the property tests."""

import base64
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from odoo import Command

from odoo.addons.bus.models import bus as bus_models

PARIS = ZoneInfo("Europe/Paris")
QUARTER = timedelta(minutes=15)


def paris(*args):
    """Naive UTC datetime of a Paris wall time (year, month, day, hour, minute)."""
    local = datetime(*args, tzinfo=PARIS)
    return local.astimezone(UTC).replace(tzinfo=None)


def to_paris(value):
    """Paris wall time (naive) of a naive UTC datetime."""
    return value.replace(tzinfo=UTC).astimezone(PARIS).replace(tzinfo=None)


def make_calendar(env, name, windows, tz="Europe/Paris", **values):
    """A calendar from ``{weekday: [(hour_from, hour_to), ...]}``, no company."""
    attendances = [
        Command.create(
            {
                "name": f"{weekday} {hour_from}",
                "dayofweek": str(weekday),
                "hour_from": hour_from,
                "hour_to": hour_to,
                "day_period": "morning" if hour_from < 12 else "afternoon",
            }
        )
        for weekday, day_windows in sorted(windows.items())
        for hour_from, hour_to in day_windows
    ]
    return env["resource.calendar"].create(
        dict(
            {
                "name": name,
                "tz": tz,
                "company_id": False,
                "attendance_ids": [Command.clear(), *attendances],
            },
            **values,
        )
    )


RESOTIC_WINDOWS = {day: [(9, 12), (14, 17.5)] for day in range(5)}
WEBRSA_WINDOWS = {**{day: [(8.5, 17.5)] for day in range(4)}, 4: [(8.5, 17)]}


class NaiveCalendar:
    """Working time walked quarter of an hour by quarter of an hour.

    Independent of the service on purpose: no interval algebra, no table, no
    bisect; a UTC quarter ``[u, u + 15 min)`` is working when its local wall
    time (converted by zoneinfo from UTC) lies in an opening window of its
    local weekday and it is in no leave. Every input is quarter-aligned.
    """

    def __init__(self, windows, leaves=(), tz="Europe/Paris", max_days=3 * 366):
        self.zone = ZoneInfo(tz)
        # windows in minutes after midnight
        self.windows = {
            day: [(round(f * 60), round(t * 60)) for f, t in day_windows]
            for day, day_windows in windows.items()
        }
        self.leaves = list(leaves)
        self.max_steps = max_days * 96

    def local(self, value):
        return value.replace(tzinfo=UTC).astimezone(self.zone)

    def wall(self, value):
        local = self.local(value)
        return local.hour * 60 + local.minute

    def working(self, value):
        local = self.local(value)
        wall = local.hour * 60 + local.minute
        if not any(f <= wall < t for f, t in self.windows.get(local.weekday(), ())):
            return False
        return not any(start <= value < stop for start, stop in self.leaves)

    def add_hours(self, start, hours):
        remaining = round(hours * 4)
        value = start
        for _step in range(self.max_steps):
            if self.working(value):
                remaining -= 1
                if remaining == 0:
                    return value + QUARTER
            value += QUARTER
        raise AssertionError("naive walk did not end")

    def add_days(self, start, days):
        value = start
        for _step in range(self.max_steps):
            if self.working(value):
                break
            value += QUARTER
        origin_day = self.local(value).date()
        wall = self.wall(value)
        # working quarters per local date after the start's date
        seen_days = []
        quarters = []
        cursor = value
        for _step in range(self.max_steps):
            cursor += QUARTER
            if not self.working(cursor):
                continue
            day = self.local(cursor).date()
            if day == origin_day:
                continue
            if not seen_days or seen_days[-1] != day:
                if len(seen_days) == days:
                    break
                seen_days.append(day)
            if len(seen_days) == days:
                quarters.append(cursor)
        else:
            raise AssertionError("naive walk did not end")
        for quarter in quarters:
            quarter_wall = self.wall(quarter)
            if quarter_wall >= wall:
                return quarter
            if quarter_wall + 15 == wall:
                return quarter + QUARTER
        return quarters[-1] + QUARTER

    def between(self, start, end):
        count = 0
        value = start
        while value < end:
            if self.working(value):
                count += 1
            value += QUARTER
        return count / 4


def json_rpc(case, model, method, args, kwargs=None, context=None):
    """``/web/dataset/call_kw`` as the web client sends it, from the ``HttpCase``
    ``case`` (after ``case.authenticate``), with the client's ``context`` if given.

    :return: the decoded JSON answer (``result`` or ``error``)
    """
    kwargs = dict(kwargs or {})
    if context is not None:
        kwargs["context"] = context
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
    }
    response = case.url_open(
        f"/web/dataset/call_kw/{model}/{method}",
        data=json.dumps(payload),
        headers={"Content-Type": "application/json"},
    )
    case.assertEqual(response.status_code, 200)
    return response.json()


class JsonRpcMixin:
    """JSON-RPC calls as the web client sends them, for ``HttpCase`` tests that
    check a rule from the outside (after ``self.authenticate``)."""

    def call_kw(self, model, method, args, kwargs=None, context=None):
        """``json_rpc`` with the user's language the web client always sends
        (French unless ``context`` says otherwise)."""
        return json_rpc(
            self, model, method, args, kwargs, dict({"lang": "fr_FR"}, **(context or {}))
        )

    def rpc_error(self, answer):
        """``(exception name, message)`` of a refused call."""
        self.assertIn("error", answer, answer)
        return answer["error"]["data"]["name"], answer["error"]["data"]["message"]


class JobPartsMixin(JsonRpcMixin):
    """Checks of the parts a background job keeps (``collectivite.job``'s
    attachments, ``collectivite_job_part.py``), from the outside."""

    def _parts(self, job):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "collectivite.job"), ("res_id", "=", job.id)], order="id"
        )

    def _assert_nothing(self, answer, empty):
        """A search refused (AccessError) or finding nothing (``empty``)."""
        if "error" in answer:
            self.assertEqual(self.rpc_error(answer)[0], "odoo.exceptions.AccessError")
        else:
            self.assertEqual(answer["result"], empty)

    def _assert_parts_unreadable(self, job, parts, logins):
        """None of ``logins`` reads ``parts`` of ``job``, over JSON-RPC with the
        context keys the server never trusts nor by URL."""
        for login in logins:
            with self.subTest(login=login):
                self.authenticate(login, login)
                context = {"active_test": False, "bin_size": False, "sudo": True}
                name, _message = self.rpc_error(
                    self.call_kw("ir.attachment", "read", [parts.ids, ["raw"]], context=context)
                )
                self.assertEqual(name, "odoo.exceptions.AccessError")
                # nothing found (or, for the portal, no search at all)
                answer = self.call_kw(
                    "ir.attachment",
                    "search_read",
                    [[("res_model", "=", "collectivite.job"), ("res_id", "=", job.id)], ["raw"]],
                    context=context,
                )
                self._assert_nothing(answer, [])
                answer = self.call_kw(
                    "ir.attachment", "search_count", [[("id", "in", parts.ids)]], context=context
                )
                self._assert_nothing(answer, 0)
                response = self.url_open(f"/web/content/{parts[0].id}")
                self.assertIn(response.status_code, (403, 404))

    def _assert_parts_unchanged_by(self, login, job, parts):
        """``login`` (who started the job) may neither change nor delete its
        ``parts``."""
        raws = parts.mapped("raw")
        self.authenticate(login, login)
        name, _message = self.rpc_error(
            self.call_kw(
                "ir.attachment", "write", [parts.ids, {"raw": base64.b64encode(b"[]").decode()}]
            )
        )
        self.assertEqual(name, "odoo.exceptions.AccessError")
        name, _message = self.rpc_error(self.call_kw("ir.attachment", "unlink", [parts.ids]))
        self.assertEqual(name, "odoo.exceptions.AccessError")
        self.env.invalidate_all()
        self.assertEqual(self._parts(job), parts)
        self.assertEqual(parts.mapped("raw"), raws)


def job_notices(env, user):
    """The notices of background jobs (``collectivite.job._notify_screen``)
    sent to ``user``'s screen, oldest first: their payloads, each with the
    ``collectivite_job_id`` the web client opens."""
    env.cr.flush()  # the bus notifications are written at commit
    buses = env["bus.bus"].search(
        [("channel", "like", f'"res.partner",{user.partner_id.id}]')], order="id"
    )
    notices = []
    for bus in buses:
        message = json.loads(bus.message)
        if message["type"] == "simple_notification" and message["payload"].get(
            "collectivite_job_id"
        ):
            notices.append(message["payload"])
    return notices


def deliver_old_notices(case):
    """Let a page opened by a tour receive the bus notifications of the test's
    transaction: a new page asks the bus for the last 50 seconds of them, by
    their date, and every row written in a test case's transaction is dated
    when that transaction (the class's) began."""
    case.patch(bus_models, "TIMEOUT", 24 * 3600)
