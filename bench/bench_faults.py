"""Bench ``faults``: what a crash in the middle of the work leaves behind.

1. A cron process killed in the middle of a batch (SIGKILL), for the
   escalation of tickets, the quality-of-service digest and the notices of
   drafts about to be deleted: the job runs in a process of its own through
   Odoo's cron runner (bench/cron_worker.py), which kills itself after a given
   call of the batch's work, before the batch is committed; then the job is run
   again until nothing remains. The mails (``mail_mail``) of the runs are
   compared with what was due: no (recipient, record) pair twice, none missing.
2. slapd killed (SIGKILL) in the middle of the synchronisation of 5,000 agents
   (batches of 1,000): nobody archived, the operation recorded as failed with
   its reason; slapd started again, the next run completes.

The PostgreSQL restart during the load needs a cluster of its own: it is the
``restart`` phase of bench_load.py (a throwaway cluster).
"""

import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time

NAME = "faults"
ADDONS = ("teleservice_requests", "helpdesk_sla_fr", "ldap_provisioning")
NEEDS = ("teleservice", "helpdesk", "load")  # load: the agents mailed
RUN_LAST = True

HERE = os.path.dirname(os.path.abspath(__file__))
OPEN_STATES = ("pending", "in_progress", "complete", "incomplete", "rectified")
DUE_TICKETS = 12_000
DRAFTS = 1_500
LDAP_PORTS = (3960, 3979)  # a free one is taken (other checkouts run slapd too)
LDAP_AGENTS = 5000
LDAP_BATCH = 1000
RUNS = 6  # bound of the reruns after a kill


def _now(bench):
    with bench.env() as env:
        env.cr.execute("SELECT now() at time zone 'UTC'")
        return env.cr.fetchone()[0]


def _worker(bench, xmlid, kill=None, timeout=600):
    """One run of the cron in its own process; ``kill`` = (model, method, calls)."""
    cmd = [sys.executable, os.path.join(HERE, "cron_worker.py"), bench.database]
    cmd += [bench.addons_path, xmlid]
    if kill:
        cmd += [kill[0], kill[1], str(kill[2])]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    killed = done.returncode == -signal.SIGKILL
    if not killed and done.returncode != 0:
        raise RuntimeError(f"cron worker {xmlid} failed: {done.stderr[-2000:]}")
    return killed


def _mails(bench, since, subject_like, pattern):
    """Counter of (recipient partner, reference found in the body) of the mails
    created since ``since`` whose subject matches ``subject_like``."""
    with bench.env() as env:
        env.cr.execute(
            """SELECT m.id, m.body_html, array_agg(r.res_partner_id)
                 FROM mail_mail m
                 JOIN mail_message msg ON msg.id = m.mail_message_id
                 LEFT JOIN mail_mail_res_partner_rel r ON r.mail_mail_id = m.id
                WHERE m.create_date >= %s AND msg.subject LIKE %s
                GROUP BY m.id""",
            [since, subject_like],
        )
        rows = env.cr.fetchall()
    pairs = collections.Counter()
    for _id, body, partners in rows:
        refs = set(re.findall(pattern, body or ""))
        for partner in partners:
            for ref in refs:
                pairs[(partner, ref)] += 1
    return len(rows), pairs


def _compare(expected, got):
    duplicates = sum(1 for count in got.values() if count > 1)
    missing = len(set(expected) - set(got))
    extra = len(set(got) - set(expected))
    return duplicates, missing, extra


def _record(bench, scenario, ok, note):
    bench.rows.append(
        {
            "scenario": scenario,
            "runs": 1,
            "p50": 0.0,
            "p95": 0.0,
            "target": None,
            "ok": "yes" if ok else "NO",
            "note": note,
        }
    )
    print(f"  {scenario}: {'ok' if ok else 'FAILED'}: {note}", flush=True)


def _rerun(bench, xmlid, remaining):
    runs = 0
    while remaining() and runs < RUNS:
        _worker(bench, xmlid)
        runs += 1
    return runs


# ---------------------------------------------------------------------------
# QoS digest
# ---------------------------------------------------------------------------
def _agent_emails(cr):
    cr.execute(
        """UPDATE res_partner p SET email = u.login || '@example.org'
             FROM res_users u
            WHERE p.id = u.partner_id AND p.email IS NULL
              AND (u.login LIKE 'bench.load.agent%%' OR u.login = 'bench.teleservice.agent')"""
    )


def _digest_domain():
    return """state IN %(open)s AND ((is_late AND qos_notified_level <> 'late')
              OR (is_urgent AND qos_notified_level = 'none'))"""


def _digest(bench):
    with bench.env() as env:
        cr = env.cr
        # Every flagged open request back to "not mailed yet".
        cr.execute(
            "UPDATE collectivite_request SET qos_notified_level = 'none'"
            " WHERE state IN %s AND (is_late OR is_urgent)",
            [OPEN_STATES],
        )
        env["ir.config_parameter"].set_param("teleservice_requests.qos_digest_mode", "detailed")
        _agent_emails(cr)  # the digest goes to agents with an email address
        cr.commit()
        cr.execute(
            f"SELECT id FROM collectivite_request WHERE {_digest_domain()}", {"open": OPEN_STATES}
        )
        requests = env["collectivite.request"].browse([row[0] for row in cr.fetchall()])
        expected = collections.Counter()
        for user, user_requests in requests._notified_agents(requests).items():
            for name in user_requests.mapped("name"):
                expected[(user.partner_id.id, name)] += 1
        cr.rollback()
    since = _now(bench)
    xmlid = "teleservice_requests.ir_cron_qos_digest"
    killed = _worker(bench, xmlid, kill=("mail.mail", "create", 2))

    def remaining():
        with bench.env() as env:
            env.cr.execute(
                f"SELECT count(*) FROM collectivite_request WHERE {_digest_domain()}",
                {"open": OPEN_STATES},
            )
            return env.cr.fetchone()[0]

    left_after_kill = remaining()
    runs = _rerun(bench, xmlid, remaining)
    mails, got = _mails(bench, since, "%quality-of-service%", r"DEM-B-\d{7}")
    if not mails:
        mails, got = _mails(bench, since, "%qualité de service%", r"DEM-B-\d{7}")
    duplicates, missing, extra = _compare(expected, got)
    ok = killed and not remaining() and not (duplicates or missing or extra)
    _record(
        bench,
        "fault: QoS digest cron killed in batch 2 (after its mails were created)",
        ok,
        f"{len(requests):,} requests due to {len(expected):,} (agent, request) pairs; "
        f"{left_after_kill:,} left after the kill, {runs} rerun(s); {mails} mails, "
        f"{duplicates} pairs twice, {missing} missing, {extra} unexpected",
    )


# ---------------------------------------------------------------------------
# Escalation
# ---------------------------------------------------------------------------
def _escalation(bench):
    with bench.env() as env:
        cr = env.cr
        contract = env.ref("helpdesk_sla_fr.helpdesk_sla_contract_resotic")
        # Level 3 is mailed to two agents of the load bench.
        _agent_emails(cr)
        agents = env["res.users"].search([("login", "like", "bench.load.agent0")], limit=2)
        contract.escalation_ids.filtered(lambda line: line.level == "3").write(
            {"notify_partner_ids": [(6, 0, agents.partner_id.ids)]}
        )
        # DUE_TICKETS open tickets past their deadline, not escalated yet (their
        # values are put back afterwards: the helpdesk bench counts due tickets).
        cr.execute(
            """SELECT t.id, d.sla_status, t.escalation_level, t.date_sla_paused,
                      d.date_sla_deadline, d.date_sla_at_risk, t.date_escalation_notified,
                      t.user_id, t.team_id, t.stage_id
                 FROM helpdesk_ticket t
                 JOIN helpdesk_ticket_sla_deadline d ON d.id = t.sla_deadline_id
                WHERE t.name LIKE 'bench ticket %%' AND t.closed_date IS NULL
                  AND t.sla_contract_id = %s
                ORDER BY t.id DESC LIMIT %s""",
            [contract.id, DUE_TICKETS],
        )
        saved = cr.fetchall()
        cr.execute(
            """UPDATE helpdesk_ticket SET escalation_level = 1, date_sla_paused = NULL
                WHERE id = ANY(%s)
            RETURNING number""",
            [[row[0] for row in saved]],
        )
        numbers = {row[0] for row in cr.fetchall()}
        cr.execute(
            """UPDATE helpdesk_ticket_sla_deadline SET sla_status = 'on_time',
                      date_sla_deadline = now() at time zone 'UTC' - interval '2 hours',
                      date_sla_at_risk = now() at time zone 'UTC' - interval '3 hours'
                WHERE id IN (SELECT sla_deadline_id FROM helpdesk_ticket WHERE id = ANY(%s))""",
            [[row[0] for row in saved]],
        )
        cr.commit()
    since = _now(bench)
    xmlid = "helpdesk_sla_fr.ir_cron_sla_escalate"
    killed = _worker(bench, xmlid, kill=("helpdesk.ticket", "_sla_post_notes", 2))

    def remaining():
        with bench.env() as env:
            env.cr.execute(
                "SELECT count(*) FROM helpdesk_ticket WHERE number = ANY(%s)"
                " AND escalation_level < 3",
                [list(numbers)],
            )
            return env.cr.fetchone()[0]

    left_after_kill = remaining()
    runs = _rerun(bench, xmlid, remaining)
    with bench.env() as env:
        env.cr.execute(
            """SELECT count(*) FILTER (WHERE notes = 1), count(*) FILTER (WHERE notes > 1),
                      count(*) FILTER (WHERE notes = 0)
                 FROM (SELECT t.id, count(m.id) AS notes FROM helpdesk_ticket t
                         LEFT JOIN mail_message m ON m.model = 'helpdesk.ticket'
                          AND m.res_id = t.id AND m.message_id LIKE '<sla-escalation-3-%%'
                          AND m.create_date >= %s
                        WHERE t.number = ANY(%s) GROUP BY t.id) n""",
            [since, list(numbers)],
        )
        one_note, notes_twice, no_note = env.cr.fetchone()
    mails, got = _mails(bench, since, "%level 3%", r"<li>\s*(B\d+)\b")
    if not mails:
        mails, got = _mails(bench, since, "%niveau 3%", r"<li>\s*(B\d+)\b")
    tickets_mailed = collections.Counter(ref for (_partner, ref) in got)
    recipients = {partner for (partner, _ref) in got}
    twice = sum(1 for count in got.values() if count > 1)
    missing = len(numbers - set(tickets_mailed)) if mails else len(numbers)
    ok = killed and not remaining() and not (notes_twice or no_note or twice or missing)
    with bench.env() as env:
        env.cr.executemany(
            """UPDATE helpdesk_ticket SET escalation_level = %s, date_sla_paused = %s,
                      date_escalation_notified = %s, user_id = %s, team_id = %s, stage_id = %s
                WHERE id = %s""",
            [(*row[2:4], *row[6:], row[0]) for row in saved],
        )
        env.cr.executemany(
            """UPDATE helpdesk_ticket_sla_deadline SET sla_status = %s, date_sla_deadline = %s,
                      date_sla_at_risk = %s
                WHERE id = (SELECT sla_deadline_id FROM helpdesk_ticket WHERE id = %s)""",
            [(row[1], row[4], row[5], row[0]) for row in saved],
        )
    _record(
        bench,
        "fault: escalation cron killed in batch 2 (after its notes were written)",
        ok,
        f"{len(numbers):,} tickets past their deadline; {left_after_kill:,} left after the kill,"
        f" {runs} rerun(s); notes: {one_note:,} once, {notes_twice} twice, {no_note} none;"
        f" {mails} mails to {len(recipients)} recipient(s): {twice} (recipient, ticket) pairs"
        f" twice, {missing} tickets in no mail",
    )


# ---------------------------------------------------------------------------
# Draft notices
# ---------------------------------------------------------------------------
def _drafts(bench):
    with bench.env() as env:
        cr = env.cr
        cr.execute("DELETE FROM collectivite_request WHERE name LIKE 'DEM-D-%%'")
        cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'collectivite_request' AND column_name <> 'id'"""
        )
        columns = [row[0] for row in cr.fetchall()]
        overrides = {
            "name": "'DEM-D-' || lpad(id::text, 7, '0')",
            "state": "'draft'",
            "date_draft_notice": "NULL",
            "date_submitted": "NULL",
            "create_date": "now() at time zone 'UTC' - interval '40 days'",
        }
        select = ", ".join(overrides.get(column, f'"{column}"') for column in columns)
        names = ", ".join(f'"{column}"' for column in columns)
        cr.execute(
            f"""INSERT INTO collectivite_request ({names})
                SELECT {select} FROM collectivite_request
                 WHERE name LIKE 'DEM-B-%%' AND requester_id IS NOT NULL
                 ORDER BY id LIMIT %s RETURNING id""",
            [DRAFTS],
        )
        ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            """UPDATE res_partner SET email = 'demandeur' || id || '@example.org'
                WHERE email IS NULL AND id IN (
                      SELECT requester_id FROM collectivite_request WHERE id = ANY(%s))""",
            [ids],
        )
        cr.execute(
            "SELECT count(*) FROM collectivite_request WHERE state = 'draft'"
            " AND date_draft_notice IS NULL AND create_date <= now() at time zone 'UTC'"
            " - interval '25 days'"
        )
        due = cr.fetchone()[0]
        cr.commit()
    since = _now(bench)
    xmlid = "teleservice_requests.ir_cron_purge_drafts"
    killed = _worker(bench, xmlid, kill=("collectivite.request", "message_post_with_source", 750))

    def remaining():
        with bench.env() as env:
            env.cr.execute(
                "SELECT count(*) FROM collectivite_request WHERE id = ANY(%s)"
                " AND date_draft_notice IS NULL",
                [ids],
            )
            return env.cr.fetchone()[0]

    left_after_kill = remaining()
    runs = _rerun(bench, xmlid, remaining)
    with bench.env() as env:
        env.cr.execute(
            """SELECT count(*) FILTER (WHERE mails = 1), count(*) FILTER (WHERE mails > 1),
                      count(*) FILTER (WHERE mails = 0), coalesce(sum(mails), 0)
                 FROM (SELECT r.id, count(m.id) AS mails FROM collectivite_request r
                         LEFT JOIN mail_message msg ON msg.model = 'collectivite.request'
                          AND msg.res_id = r.id AND msg.create_date >= %s
                         LEFT JOIN mail_mail m ON m.mail_message_id = msg.id
                        WHERE r.id = ANY(%s) GROUP BY r.id) n""",
            [since, ids],
        )
        once, twice, none, total = env.cr.fetchone()
    ok = killed and not remaining() and not (twice or none)
    with bench.env() as env:
        env.cr.execute("DELETE FROM collectivite_request WHERE id = ANY(%s)", [ids])
    _record(
        bench,
        "fault: draft notices cron killed in batch 2 (after 250 of its 500 notices)",
        ok,
        f"{len(ids):,} drafts to warn ({due:,} due in all); {left_after_kill:,} left after the"
        f" kill, {runs} rerun(s); {int(total):,} mails: {once:,} drafts mailed once, {twice} twice,"
        f" {none} never",
    )


# ---------------------------------------------------------------------------
# slapd killed during a synchronisation
# ---------------------------------------------------------------------------
def _ldap(bench):
    import bench_ldap

    helper = bench_ldap._slapd_module()
    if not helper.is_available():
        print("  slapd is not installed: skipped", flush=True)
        return
    prefix = "f%06d" % (int(time.time()) % 1000000)
    server = helper.launch(*LDAP_PORTS)
    try:
        server.ldapadd(bench_ldap._directory_ldif(helper, prefix, LDAP_AGENTS, 200))
        with bench.env() as env:
            Ldap = env["res.company.ldap"]
            old = Ldap.search(
                [
                    ("ldap_server_port", ">=", LDAP_PORTS[0]),
                    ("ldap_server_port", "<=", LDAP_PORTS[1]),
                ]
            )
            if old:
                # Agents of earlier fault runs leave the way (other uids).
                env.cr.execute(
                    "UPDATE res_users SET active = FALSE, ldap_config_id = NULL"
                    " WHERE ldap_config_id IN %s",
                    [tuple(old.ids)],
                )
                env.cr.execute(
                    "UPDATE collectivite_school SET active = FALSE, ldap_config_id = NULL,"
                    " code = code || '-' || id WHERE ldap_config_id IN %s",
                    [tuple(old.ids)],
                )
                env.invalidate_all()
                old.unlink()
            Ldap.search([("is_provisioning", "=", True)]).write({"is_provisioning": False})
            config = Ldap.create(
                {
                    "company": env.ref("base.main_company").id,
                    "ldap_server": "127.0.0.1",
                    "ldap_server_port": server.port,
                    "ldap_binddn": helper.ROOT_DN,
                    "ldap_password": helper.ROOT_PASSWORD,
                    "ldap_base": helper.PEOPLE_BASE,
                    "ldap_filter": "(&(objectClass=inetOrgPerson)(uid=%s))",
                    "create_user": False,
                    "is_provisioning": True,
                    "ldap_people_base": helper.PEOPLE_BASE,
                    "ldap_groups_base": helper.GROUPS_BASE,
                    "ldap_schools_base": helper.SCHOOLS_BASE,
                    "sync_batch_size": LDAP_BATCH,
                }
            )
            config_id = config.id

        def step():
            with bench.env() as env:
                return env["res.company.ldap"]._cron_sync_directory()

        def counts():
            with bench.env() as env:
                env.cr.execute(
                    """SELECT count(*) FILTER (WHERE active), count(*) FILTER (WHERE NOT active)
                         FROM res_users WHERE ldap_config_id = %s""",
                    [config_id],
                )
                active, archived = env.cr.fetchone()
                env.cr.execute(
                    "SELECT last_sync_state, last_sync_report FROM res_company_ldap WHERE id = %s",
                    [config_id],
                )
                return active, archived, *env.cr.fetchone()

        # Two batches, then slapd is killed 0.3 s into the third one (its reading
        # of the directory, about a second for 5,000 entries).
        step()
        step()
        before = counts()
        timer = threading.Timer(0.3, lambda: os.kill(server.pid, signal.SIGKILL))
        timer.start()
        killed_step = step()
        timer.join()
        server.pid = None
        steps = 0
        while counts()[2] != "failed" and steps < 10:  # killed after its reading: next one
            killed_step = step()
            steps += 1
        active, archived, state, report = counts()
        failed_ok = state == "failed" and archived == 0 and "cannot be reached" in (report or "")
        _record(
            bench,
            f"fault: slapd killed during the synchronisation of {LDAP_AGENTS:,} agents",
            failed_ok,
            f"{before[0]:,} agents provisioned before the kill (batches of {LDAP_BATCH:,}), "
            f"{active:,} after; {archived} archived; state {state}: {report!r};"
            f" step after the kill: {killed_step}",
        )
        pidfile = os.path.join(server.tmp, "slapd.pid")
        if os.path.exists(pidfile):
            os.unlink(pidfile)
        server.resume()
        start = time.perf_counter()
        steps = 0
        while steps < 20:
            result = step()
            steps += 1
            if not result["remaining"] and counts()[2] != "failed":
                break
        elapsed = time.perf_counter() - start
        active, archived, state, report = counts()
        _record(
            bench,
            "fault: next synchronisation once slapd is back",
            state == "done" and active == LDAP_AGENTS and archived == 0,
            f"{steps} batches in {elapsed:.1f} s: {active:,} agents, {archived} archived,"
            f" state {state}",
        )
    finally:
        server.stop()


def generate(bench):
    """The benches of teleservice and helpdesk generate the data."""


SCENARIOS = {"escalation": _escalation, "digest": _digest, "drafts": _drafts, "ldap": _ldap}


def run(bench):
    wanted = os.environ.get("BENCH_FAULTS", ",".join(SCENARIOS)).split(",")
    for name, scenario in SCENARIOS.items():
        if name in wanted:
            scenario(bench)
