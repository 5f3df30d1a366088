"""Bench of the deadline recompute (collectivite_base's deadline consumers):
200,000 open tickets of a contract of their own, on a calendar of their own,
recomputed after a closure is added on the next working day (then removed),
by the background job's batches, one transaction each, as the cron runner
runs them.

The tickets, their notes, the contract, its team and calendar are created at
the start of ``run`` and deleted at its end: the other benches never see them.
"""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from odoo.tools import SQL

NAME = "recompute"
ADDONS = ("helpdesk_sla_fr",)

OPEN = 200_000
PREFIX = "recompute bench "
PARIS = ZoneInfo("Europe/Paris")


def _setup(env):
    """A calendar, a team and a contract (RESOTIC's terms plus resolution
    targets in working days) of the bench's own."""
    resotic = env.ref("helpdesk_sla_fr.helpdesk_sla_contract_resotic")
    calendar = resotic.calendar_id.copy({"name": PREFIX + "calendar"})
    team = env["helpdesk.ticket.team"].create({"name": PREFIX + "team"})
    contract = resotic.copy(
        {
            "name": PREFIX + "contract",
            "team_id": team.id,
            "calendar_id": calendar.id,
            "oncall_calendar_id": False,
            "escalation_ids": [(5, 0, 0)],
        }
    )
    contract.write(
        {
            "target_ids": [
                (0, 0, {"priority": priority, "kind": "resolution", "amount": days, "unit": "days"})
                for priority, days in (("3", 2), ("2", 5), ("1", 10), ("0", 20))
            ]
        }
    )
    admin = env.ref("base.user_admin")
    return calendar, team, contract, admin


def _insert_tickets(env, team, contract, count):
    stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
    # The tickets and their rows of due dates (helpdesk.ticket.sla.deadline)
    # in one statement: the foreign key is checked at its end. Every due date
    # is set, as on a ticket created through the ORM (its at-risk instant
    # filled by the cron): the recompute rewrites rows of the same size.
    env.cr.execute(
        """
        WITH src AS MATERIALIZED (
            SELECT i, nextval('helpdesk_ticket_sla_deadline_id_seq') AS deadline_id,
                   now() AT TIME ZONE 'UTC' - (i %% 1440) * interval '1 minute' AS start
              FROM generate_series(1, %(count)s) AS i
        ), rows AS (
            INSERT INTO helpdesk_ticket_sla_deadline (
                id, date_response_due, date_resolution_due, date_sla_deadline,
                date_sla_at_risk, sla_status, sla_is_open
            )
            SELECT deadline_id, start + interval '1 day', start + interval '2 days',
                   start + interval '1 day', start + interval '12 hours', 'on_time', TRUE
              FROM src
        )
        INSERT INTO helpdesk_ticket (
            number, name, description, company_id, team_id, stage_id, priority, active,
            sequence, ticket_type, impact, is_blocking, is_oncall, sla_contract_id,
            escalation_level, sla_paused_hours, create_uid, write_uid, create_date,
            write_date, last_stage_update, date_sla_start, sla_deadline_id
        )
        SELECT 'RB' || i, %(prefix)s || i, '<p>bench</p>', %(company)s, %(team)s, %(stage)s,
               (i %% 4)::varchar, TRUE, 10, 'incident', 'medium', FALSE, FALSE,
               %(contract)s, 1, 0, 1, 1, start, start, start, start, deadline_id
          FROM src
        """,
        {
            "prefix": PREFIX,
            "company": env.company.id,
            "team": team.id,
            "stage": stage.id,
            "contract": contract.id,
            "count": count,
        },
    )
    env.cr.execute("ANALYZE helpdesk_ticket")
    env.cr.execute("ANALYZE helpdesk_ticket_sla_deadline")


def _next_working_day():
    """Local midnight to midnight (naive UTC) of the next weekday after tomorrow."""
    day = datetime.now(PARIS).date() + timedelta(days=2)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime(day.year, day.month, day.day, tzinfo=PARIS)
    stop = start + timedelta(days=1)
    utc = ZoneInfo("UTC")
    return (
        start.astimezone(utc).replace(tzinfo=None),
        stop.astimezone(utc).replace(tzinfo=None),
    )


def _run_jobs(bench, limit=None):
    """What the cron runner does: one batch per transaction until no job remains."""
    batches = 0
    while True:
        with bench.env() as env:
            remaining = env["collectivite.job"]._cron_run_jobs(limit)
            batches += 1
        if not remaining or batches > 1000:
            return batches


def _job_figures(bench, job_id):
    with bench.env() as env:
        job = env["collectivite.job"].browse(job_id)
        return job.state, job.total_count, job.payload.get("moved", 0), job.result


def _delete_notes(env):
    """The bench tickets' notes and deadline history (nothing refers to the
    notes: the foreign-key checks of the twenty tables referring to messages
    are skipped)."""
    cr = env.cr
    cr.execute("SELECT id FROM helpdesk_ticket WHERE name LIKE %s", [PREFIX + "%"])
    ids = [row[0] for row in cr.fetchall()]
    env["collectivite.deadline.history"]._delete_of("helpdesk.ticket", ids)
    cr.execute("SET LOCAL session_replication_role = replica")
    cr.execute(
        "DELETE FROM mail_message WHERE model = 'helpdesk.ticket' AND res_id = ANY(%s)", [ids]
    )
    cr.execute("SET LOCAL session_replication_role = DEFAULT")


def _cleanup(bench, ids):
    with bench.env() as env:
        cr = env.cr
        _delete_notes(env)
        # Nothing else refers to these tickets (made in SQL, their notes deleted
        # above): the foreign-key checks, one scan of the table per deleted row
        # for the unindexed helpdesk_ticket.duplicate_id, are skipped.
        cr.execute("SET LOCAL session_replication_role = replica")
        cr.execute(
            "DELETE FROM helpdesk_ticket_sla_deadline WHERE id IN "
            "(SELECT sla_deadline_id FROM helpdesk_ticket WHERE name LIKE %s)",
            [PREFIX + "%"],
        )
        cr.execute("DELETE FROM helpdesk_ticket WHERE name LIKE %s", [PREFIX + "%"])
        cr.execute("SET LOCAL session_replication_role = DEFAULT")
        if ids:
            env["collectivite.job"].sudo().browse(ids.get("jobs", [])).exists().unlink()
            env["helpdesk.sla.contract"].browse(ids["contract"]).unlink()
            env["helpdesk.ticket.team"].browse(ids["team"]).unlink()
            env["resource.calendar.leaves"].search([("calendar_id", "=", ids["calendar"])]).unlink()
            env["resource.calendar"].browse(ids["calendar"]).unlink()


def _vacuum(bench):
    """The tables the bench fills and empties, as autovacuum keeps them: the
    dead rows of earlier runs (200,000 tickets deleted a run) otherwise weigh
    on this one's reads, more or less depending on when autovacuum last ran."""
    with bench.registry.cursor() as cr:
        cr._cnx.autocommit = True
        for table in (
            "helpdesk_ticket",
            "helpdesk_ticket_sla_deadline",
            "collectivite_deadline_history",
            "mail_message",
        ):
            cr.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)))


def _leftovers(bench):
    """The records of interrupted runs, to delete before this one."""
    with bench.env() as env:
        contracts = env["helpdesk.sla.contract"].search([("name", "=", PREFIX + "contract")])
        jobs = env["collectivite.job"].sudo().search([("kind", "=", "deadline_recompute")])
        return [
            {
                "calendar": contract.calendar_id.id,
                "team": contract.team_id.id,
                "contract": contract.id,
                "jobs": jobs.ids,
            }
            for contract in contracts
        ]


def generate(bench):
    """Nothing kept between runs (see the module's docstring)."""


def run(bench):
    count = bench.size(OPEN)
    for leftover in _leftovers(bench) or [{}]:
        _cleanup(bench, leftover)
    _vacuum(bench)
    ids = {}
    try:
        with bench.env() as env:
            calendar, team, contract, admin = _setup(env)
            ids = {"calendar": calendar.id, "team": team.id, "contract": contract.id, "jobs": []}
            _insert_tickets(env, team, contract, count)
            # The tickets get their real due dates first (a change of the calendar's
            # week pattern recomputes every open ticket on it).
            env["resource.calendar"].browse(calendar.id)._deadline_schedule(
                [[[calendar.id], None, None]]
            )
            admin_id = admin.id
        start = time.perf_counter()
        _run_jobs(bench)
        initial_ms = (time.perf_counter() - start) * 1000
        with bench.env() as env:
            _delete_notes(env)
        # the closure comes days after the tickets got their due dates
        _vacuum(bench)
        print(
            f"  recompute: initial due dates of {count} tickets in {initial_ms:.0f} ms",
            flush=True,
        )

        date_from, date_to = _next_working_day()
        timings = {}
        figures = {}
        for scenario in ("added", "removed"):
            start = time.perf_counter()
            with bench.env(uid=admin_id) as env:
                Leave = env["resource.calendar.leaves"]
                if scenario == "added":
                    Leave.create(
                        {
                            "name": "Pont (bench)",
                            "calendar_id": ids["calendar"],
                            "date_from": date_from,
                            "date_to": date_to,
                            "time_type": "leave",
                        }
                    )
                else:
                    Leave.search([("calendar_id", "=", ids["calendar"])]).filtered(
                        lambda leave: leave.name == "Pont (bench)"
                    ).unlink()
                job = env["collectivite.job"].search(
                    [("user_id", "=", admin_id)], order="id desc", limit=1
                )
                ids["jobs"].append(job.id)
                job_id = job.id
            saved_ms = (time.perf_counter() - start) * 1000
            batches = _run_jobs(bench)
            timings[scenario] = (time.perf_counter() - start) * 1000
            figures[scenario] = (*_job_figures(bench, job_id), batches, saved_ms)
        for scenario, label in (("added", "a closure added"), ("removed", "the closure removed")):
            state, total, moved, _result = figures[scenario][:4]
            batches, saved_ms = figures[scenario][4:]
            bench.record(
                f"recompute: {count} open tickets after {label}, all batches",
                [timings[scenario]],
                target_ms=5_000,
                note=f"{total} checked, {moved} moved (their history: one row a block of "
                f"256 tickets), {batches} batches, "
                f"job {state}; the save itself {saved_ms:.0f} ms",
            )
    finally:
        _cleanup(bench, ids)
