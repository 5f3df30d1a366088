"""Bench ``load``: Odoo with 4 workers under 100 concurrent users (Locust),
without and with a PostgreSQL streaming replica, and the proof that the
replica serves the read-only pages.

generate(): 80 citizens (portal users, responsibles of generated households,
each requester of 8 open tickets) and 20 agents (rights on 3 of the bench's
10 categories, helpdesk users), all with one password hashed once.

run():
1. A throwaway primary cluster (``initdb``, loopback port 5440) gets a copy of
   the bench database (``pg_dump``/``pg_restore``); a standby (``pg_basebackup
   -R``, port 5441) streams from it. The machine's main cluster is only read.
2. Replica proof: Odoo with workers pointed at both (``--db_replica_host``);
   each page is requested 10 times and the tuples read on each cluster
   (``pg_stat_database``) say which one answered; a citizen's change and an
   agent's write are then read back on the primary (and on the standby once
   replayed), and Odoo's log is searched for read-only routes that had to be
   retried on the primary.
3. Locust, headless, on loopback: 100 users (80 citizens, 20 agents), spawned at
   5 a second, each arriving logged in (see _sessions); statistics start once every
   user is in, then
   ``BENCH_LOAD_SECONDS`` (180) of measurement, think time 3 to 7 s; once against the
   primary alone, once with the replica.

Locust runs from its own virtualenv (bench/.venv, made by ``make bench`` from
bench/requirements-load.txt): it cannot share Odoo's Python.
"""

import csv
import getpass
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.error
from collections import Counter

from common import Browser, OdooServer
from pgcluster import Cluster

NAME = "load"
ADDONS = ("household_accounts", "teleservice_requests", "helpdesk_sla_fr")
NEEDS = ("household", "teleservice", "helpdesk")
RUN_LAST = True

CITIZENS = 80
AGENTS = 20
TICKETS_PER_CITIZEN = 8
PASSWORD = "bench-load-password"  # noqa: S105 (bench accounts on loopback)
CITIZEN_LOGIN = "bench.load.citizen{:02d}@example.org"
AGENT_LOGIN = "bench.load.agent{:02d}"
AGENT_CATEGORIES = 3
PRIMARY_PORT = 5440
REPLICA_PORT = 5441
HERE = os.path.dirname(os.path.abspath(__file__))
LOCUST = os.path.join(HERE, ".venv", "bin", "locust")
USERS = int(os.environ.get("BENCH_LOAD_USERS", 100))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 180))
SPAWN_RATE = 5
THINK = (3, 7)
PHASES = os.environ.get("BENCH_LOAD_PHASES", "proof,restart,primary,replica").split(",")
RETRY_WARNING = "retrying with a read/write cursor"


def _user_ids(env, pattern):
    env.cr.execute("SELECT id FROM res_users WHERE login LIKE %s ORDER BY login", [pattern])
    return [row[0] for row in env.cr.fetchall()]


def generate(bench):
    with bench.env() as env:
        Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
        cr = env.cr
        company = env.ref("base.main_company")
        citizen_ids = _user_ids(env, "bench.load.citizen%")
        if len(citizen_ids) < CITIZENS:
            # Responsibles of valid households who have no account yet.
            cr.execute(
                """SELECT h.responsible_id FROM collectivite_household h
                    WHERE h.state = 'valid' AND h.is_active AND NOT h.has_pending_change
                      AND h.responsible_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM res_users u
                                       WHERE u.partner_id = h.responsible_id)
                    ORDER BY h.id OFFSET 100 LIMIT %s""",
                [CITIZENS - len(citizen_ids)],
            )
            partners = env["res.partner"].browse([row[0] for row in cr.fetchall()])
            if len(partners) < CITIZENS - len(citizen_ids):
                raise RuntimeError("Not enough generated households: run the household bench.")
            portal = env.ref("base.group_portal")
            Users.create(
                [
                    {
                        "login": CITIZEN_LOGIN.format(index),
                        "partner_id": partner.id,
                        "name": partner.name,
                        "company_id": company.id,
                        "company_ids": [(6, 0, company.ids)],
                        "groups_id": [(6, 0, portal.ids)],
                    }
                    for index, partner in enumerate(partners, start=len(citizen_ids))
                ]
            )
        agent_ids = _user_ids(env, "bench.load.agent%")
        if len(agent_ids) < AGENTS:
            groups = [
                env.ref("collectivite_base.collectivite_group_agent").id,
                env.ref("helpdesk_mgmt.group_helpdesk_user").id,
            ]
            agents = Users.create(
                [
                    {
                        "name": f"Agent de charge {index:02d}",
                        "login": AGENT_LOGIN.format(index),
                        "company_id": company.id,
                        "company_ids": [(6, 0, company.ids)],
                        "groups_id": [(6, 0, groups)],
                    }
                    for index in range(len(agent_ids), AGENTS)
                ]
            )
            categories = env["collectivite.category"].search(
                [("name", "=like", "Bench catégorie %")], order="id"
            )
            env["collectivite.category.right"].create(
                [
                    {
                        "user_id": agent.id,
                        "category_id": category.id,
                        "right": "write" if index < AGENT_CATEGORIES else "none",
                    }
                    for agent in agents
                    for index, category in enumerate(categories)
                ]
            )
        ids = _user_ids(env, "bench.load.%")
        env.flush_all()
        # One hash for every bench account (hashing is slow on purpose).
        cr.execute(
            "UPDATE res_users SET password = %s WHERE id = ANY(%s)",
            [Users._crypt_context().hash(PASSWORD), ids],
        )
        # Each citizen is the requester of a few open tickets of the helpdesk bench.
        cr.execute(
            """
            WITH citizens AS (
                SELECT u.partner_id, row_number() OVER (ORDER BY u.login) - 1 AS k
                  FROM res_users u WHERE u.login LIKE 'bench.load.citizen%%'
            ), tickets AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM helpdesk_ticket
                 WHERE name LIKE 'bench ticket %%' AND closed_date IS NULL
                 ORDER BY id LIMIT %(count)s
            )
            UPDATE helpdesk_ticket t
               SET partner_id = c.partner_id, commercial_partner_id = c.partner_id
              FROM tickets, citizens c
             WHERE t.id = tickets.id AND c.k = tickets.n / %(per)s
            """,
            {"count": CITIZENS * TICKETS_PER_CITIZEN, "per": TICKETS_PER_CITIZEN},
        )
        env.invalidate_all()


def _sessions(env, database, accounts):
    """A logged-in Odoo session for each account (``session_id`` cookie), made as
    Odoo's HttpCase.authenticate makes them: the Locust users arrive logged in.

    Odoo hashes passwords with 600,000 PBKDF2-SHA512 rounds (about 1.3 s of CPU
    per login on a quiet core, on purpose): 100 users logging in at once on
    2 cores would only measure that hash, and the connections queued behind it
    time out. Logins are measured apart (bench_load's proof and restart phases
    log in for real).
    """
    import odoo.http
    from odoo.service import security

    store = odoo.http.root.session_store
    env.cr.execute(
        "SELECT login, id FROM res_users WHERE login = ANY(%s)",
        [[account["login"] for account in accounts]],
    )
    uids = dict(env.cr.fetchall())
    for account in accounts:
        uid = uids[account["login"]]
        session = store.new()
        session.update(odoo.http.get_default_session(), db=database)
        session.uid = uid
        session.login = account["login"]
        session.session_token = security.compute_session_token(session, env)
        session.context = dict(env["res.users"].with_user(uid).context_get())
        store.save(session)
        account["session_id"] = session.sid


def _load_data(bench, path):
    """The accounts and records the Locust users need, in a JSON file."""
    with bench.env() as env:
        cr = env.cr
        cr.execute(
            """SELECT u.login, array_agg(t.id ORDER BY t.id)
                 FROM res_users u JOIN helpdesk_ticket t ON t.partner_id = u.partner_id
                WHERE u.login LIKE 'bench.load.citizen%%' GROUP BY u.login ORDER BY u.login"""
        )
        citizens = [{"login": login, "ticket_ids": ids} for login, ids in cr.fetchall()]
        agents = [{"login": AGENT_LOGIN.format(index)} for index in range(AGENTS)]
        # Requests of the agents' 3 categories.
        cr.execute(
            """SELECT r.id, r.name, r.requester_name FROM collectivite_request r
                WHERE r.category_id IN (
                      SELECT c.id FROM collectivite_category c
                       WHERE c.name->>'en_US' LIKE 'Bench catégorie %%' ORDER BY c.id LIMIT %s)
                  AND r.id %% 97 = 0
                ORDER BY r.id LIMIT 300""",
            [AGENT_CATEGORIES],
        )
        rows = cr.fetchall()
        contract = env.ref("helpdesk_sla_fr.helpdesk_sla_contract_resotic")
        team_id = contract.team_id.id
        cr.execute("SELECT partner_id FROM res_users WHERE login = %s", [citizens[0]["login"]])
        partner_id = cr.fetchone()[0]
        _sessions(env, bench.database, citizens + agents)
    if len(citizens) < CITIZENS or not rows:
        raise RuntimeError("The load bench's accounts or requests are missing.")
    data = {
        "password": PASSWORD,
        "think": THINK,
        "citizens": citizens,
        "agents": agents,
        "request_ids": [row[0] for row in rows],
        "request_numbers": [row[1] for row in rows[:100]],
        "requester_names": sorted({row[2] for row in rows if row[2]})[:100],
        "team_id": team_id,
        "partner_id": partner_id,
    }
    with open(path, "w") as file:
        json.dump(data, file)
    return data


def _db_args(primary, replica=None):
    args = ["--db_host", "127.0.0.1", "--db_port", str(primary.port)]
    if replica:
        args += ["--db_replica_host", "127.0.0.1", "--db_replica_port", str(replica.port)]
    return args


def _stats(cluster, database):
    """(transactions, tuples read) of ``database`` on ``cluster``."""
    out = cluster.psql(
        "SELECT xact_commit + xact_rollback, tup_returned + tup_fetched"
        f" FROM pg_stat_database WHERE datname = '{database}'"
    )
    xact, tuples = out.split("|")
    return int(xact), int(tuples)


def _flush_wait():
    # A backend reports its statistics when idle, at most 10 s later.
    time.sleep(11)


def _replica_proof(bench, server, primary, replica, data, logfile):
    citizen = Browser(server.url, data["citizens"][0]["login"], PASSWORD)
    agent = Browser(server.url, data["agents"][0]["login"], PASSWORD)
    ticket_id = data["citizens"][0]["ticket_ids"][0]
    request_id = data["request_ids"][0]
    list_spec = {"name": {}, "state": {}, "requester_name": {}, "date_submitted": {}}
    pages = [
        ("citizen: /my (home)", lambda: citizen.get("/my")),
        (
            "citizen: /my/counters",
            lambda: citizen.opener.open(
                _json_request(server.url + "/my/counters", {"counters": ["ticket_count"]}),
                timeout=60,
            ).read(),
        ),
        ("citizen: /my/household (Mon foyer)", lambda: citizen.get("/my/household")),
        ("citizen: /my/tickets (list)", lambda: citizen.get("/my/tickets")),
        ("citizen: /my/ticket/<id>", lambda: citizen.get(f"/my/ticket/{ticket_id}")),
        (
            "agent: dashboard (tiles and counts)",
            lambda: agent.rpc(
                "collectivite.request.dashboard",
                "web_search_read",
                domain=[],
                specification={"name": {}, "request_count": {}},
            ),
        ),
        (
            "agent: requests list",
            lambda: agent.rpc(
                "collectivite.request",
                "web_search_read",
                domain=[],
                specification=list_spec,
                limit=80,
                count_limit=10001,
            ),
        ),
        (
            "agent: a request's form",
            lambda: agent.rpc(
                "collectivite.request", "web_read", [[request_id]], specification=list_spec
            ),
        ),
        (
            "agent: search by requester name",
            lambda: agent.rpc(
                "collectivite.request",
                "web_search_read",
                domain=[("requester_name", "ilike", data["requester_names"][0])],
                specification=list_spec,
                limit=80,
            ),
        ),
        (
            "agent: statistics (read_group by state)",
            lambda: agent.rpc(
                "collectivite.request",
                "web_read_group",
                domain=[],
                fields=["__count"],
                groupby=["state"],
            ),
        ),
        (
            "agent: households list",
            lambda: agent.rpc(
                "collectivite.household",
                "web_search_read",
                domain=[],
                specification={"name": {}, "responsible_name": {}},
                limit=80,
            ),
        ),
    ]
    results = []
    for name, call in pages:
        call()  # warm-up (caches)
        _flush_wait()
        offset = _log_size(logfile)
        before = _stats(primary, bench.database), _stats(replica, bench.database)
        for _i in range(10):
            call()
        _flush_wait()
        after = _stats(primary, bench.database), _stats(replica, bench.database)
        modes = _cursor_modes(logfile, offset)
        primary_tuples = after[0][1] - before[0][1]
        replica_tuples = after[1][1] - before[1][1]
        served = ", ".join(f"{route} {mode} x{count}" for (route, mode), count in modes.items())
        results.append((name, modes, primary_tuples, replica_tuples))
        bench.rows.append(
            {
                "scenario": f"replica proof: {name}",
                "runs": 10,
                "p50": 0.0,
                "p95": 0.0,
                "target": None,
                "ok": "",
                "note": f"cursor: {served}; tuples read: primary +{primary_tuples:,},"
                f" standby +{replica_tuples:,}",
            }
        )
        print(f"  {name}: {served} (primary +{primary_tuples}, standby +{replica_tuples})")

    # Writes: a citizen's change of household and an agent's write on a ticket.
    phone = f"01 30 {int(time.time()) % 100:02d} 00 00"
    page = citizen.get("/my/household/edit").decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {
        fname: _input_value(page, fname)
        for fname in (
            "email",
            "mobile",
            "street_number",
            "street",
            "street2",
            "zip",
            "city",
        )
    }
    form.update(phone=phone, contact_channel="email", csrf_token=token)
    citizen.post("/my/household/edit", form)
    ticket_name = f"Écrit pendant la preuve du réplica {int(time.time())}"
    agent.rpc("helpdesk.ticket", "write", [[ticket_id], {"name": ticket_name}])
    checks = {
        "change": "SELECT count(*) FROM collectivite_household_change c"
        " JOIN res_users u ON u.login = '{login}'"
        " JOIN res_partner p ON p.id = u.partner_id"
        " WHERE c.household_id = p.household_id AND c.household_values::text LIKE '%{phone}%'",
        "ticket": "SELECT count(*) FROM helpdesk_ticket WHERE id = {ticket} AND name = '{name}'",
    }
    values = {
        "login": data["citizens"][0]["login"],
        "phone": phone,
        "ticket": ticket_id,
        "name": ticket_name.replace("'", "''"),
    }
    on_primary = {
        key: primary.psql(sql.format(**values), bench.database) for key, sql in checks.items()
    }
    replica.wait_replay(primary)
    on_replica = {
        key: replica.psql(sql.format(**values), bench.database) for key, sql in checks.items()
    }
    retries = _count_in_log(logfile, RETRY_WARNING)
    ok = on_primary == {"change": "1", "ticket": "1"} == on_replica
    bench.rows.append(
        {
            "scenario": "replica proof: writes (citizen's change, agent's ticket write)",
            "runs": 2,
            "p50": 0.0,
            "p95": 0.0,
            "target": None,
            "ok": "yes" if ok else "NO",
            "note": f"on the primary {on_primary}, on the standby once replayed {on_replica};"
            f" read-only routes retried on the primary: {retries}",
        }
    )
    print(f"  writes: primary {on_primary}, standby {on_replica}, retries {retries}")
    return results


def _input_value(page, fname):
    match = re.search(rf'name="{fname}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{fname}"', page
    )
    return match.group(1) if match else ""


def _json_request(url, params):
    import urllib.request

    return urllib.request.Request(  # noqa: S310
        url,
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode(),
        headers={"Content-Type": "application/json"},
    )


LOG_LINE = re.compile(r'"(GET|POST) ([^ ?]+)[^"]*" (\d+) .* (ro|rw|ro->rw)$')


def _log_size(logfile):
    try:
        return os.path.getsize(logfile)
    except OSError:
        return 0


def _cursor_modes(logfile, offset=0):
    """{(route, cursor mode): requests} of Odoo's request log lines after ``offset``:
    Odoo 18 ends each line with the cursor the request used (``ro``: the replica,
    ``rw``: the primary, ``ro->rw``: read-only route retried on the primary)."""
    modes = Counter()
    with open(logfile, errors="replace") as log:
        log.seek(offset)
        for line in log:
            match = LOG_LINE.search(line.rstrip())
            if match:
                route = re.sub(r"/\d+", "/<id>", match.group(2))
                modes[(f"{match.group(1)} {route}", match.group(4))] += 1
    return dict(sorted(modes.items()))


def _count_in_log(logfile, text):
    try:
        with open(logfile, errors="replace") as log:
            return sum(text in line for line in log)
    except OSError:
        return 0


def _locust(bench, server, data_path, label, folder):
    """One Locust run; its statistics start once every user has logged in."""
    prefix = os.path.join(folder, label.replace(" ", "_").replace(",", ""))
    summary = f"{prefix}_summary.json"
    with open(data_path) as file:
        data = json.load(file)
    data.update(users=USERS, seconds=SECONDS, summary=summary)
    run_data = f"{prefix}_data.json"
    with open(run_data, "w") as file:
        json.dump(data, file)
    # An upper bound: the ramp, the logins (slow hashes), the measure.
    bound = int(USERS / SPAWN_RATE + 600 + SECONDS)
    cmd = [
        LOCUST,
        "-f",
        os.path.join(HERE, "locustfile.py"),
        "--headless",
        "--host",
        server.url,
        "--users",
        str(USERS),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        f"{bound}s",
        "--stop-timeout",
        "15",
        "--csv",
        prefix,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = dict(os.environ, BENCH_LOAD_DATA=run_data)
    env.pop("PYTHONPATH", None)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=False, timeout=bound + 120)
    elapsed = time.perf_counter() - start
    with open(f"{prefix}_stats.csv") as file:
        rows = list(csv.DictReader(file))
    with open(summary) as file:
        logins = json.load(file)
    if logins["logged_in"] < USERS:
        raise RuntimeError(f"Only {logins['logged_in']} of {USERS} users logged in.")
    bench.rows.append(
        {
            "scenario": f"load ({label}): {USERS} users logged in",
            "runs": logins["logged_in"],
            "p50": 0.0,
            "p95": 0.0,
            "target": None,
            "ok": "yes" if not logins["login_failures"] else "NO",
            "note": f"{logins['login_failures']} failed logins; measured {SECONDS} s after",
        }
    )
    for row in rows:
        if not int(row["Request Count"]):
            continue
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        failures = int(row["Failure Count"])
        bench.rows.append(
            {
                "scenario": f"load ({label}): {name}",
                "runs": int(row["Request Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "target": None,
                "ok": "yes" if failures == 0 else "NO",
                "note": f"{failures} failed, {float(row['Requests/s']):.1f} req/s",
            }
        )
    total = rows[-1]
    print(
        f"  load ({label}): {total['Request Count']} requests, {total['Failure Count']} failed,"
        f" {float(total['Requests/s']):.1f} req/s, p95 {total['95%']} ms ({elapsed:.0f} s)",
        flush=True,
    )
    return rows


def _restart(bench, primary, data, folder):
    """PostgreSQL stopped for 10 s and started again under a small load: readers
    and writers (ticket creations) in threads, Odoo left running."""
    logfile = os.path.join(folder, "odoo-restart.log")
    server = OdooServer(
        bench,
        bench.http_port,
        bench.http_port + 1,
        db_args=_db_args(primary),
        logfile=logfile,
        log_level="info",
    ).start()
    master = server.process.pid
    tag = f"Panne PG {int(time.time())}"
    events = []  # (time, kind, ok, detail, duration)
    stop = threading.Event()
    start = time.perf_counter()

    def loop(kind, call):
        count = 0
        while not stop.is_set() and count < 2000:
            count += 1
            begin = time.perf_counter()
            try:
                detail = call(count)
                ok = True
            except urllib.error.HTTPError as error:
                ok, detail = False, f"HTTP {error.code}"
            except (OSError, RuntimeError) as error:
                ok, detail = False, type(error).__name__ + ": " + str(error)[:80]
            events.append((begin - start, kind, ok, detail, time.perf_counter() - begin))
            time.sleep(0.2)

    def reader(browser):
        def call(_count):
            page = browser.get("/my/household")
            if b"o_household_members" not in page:
                raise RuntimeError("no household on the page")
            return "page"

        return call

    def writer(browser, name):
        def call(count):
            title = f"{tag} {name} {count:04d}"
            created.append(title)
            browser.rpc(
                "helpdesk.ticket",
                "create",
                [
                    {
                        "name": title,
                        "description": "<p>Créé pendant l'arrêt de PostgreSQL.</p>",
                        "team_id": data["team_id"],
                        "partner_id": data["partner_id"],
                    }
                ],
            )
            acknowledged.append(title)
            return "created"

        return call

    created, acknowledged = [], []
    threads = []
    for index in range(4):
        browser = Browser(server.url, data["citizens"][index]["login"], PASSWORD, timeout=30)
        threads.append(threading.Thread(target=loop, args=("read", reader(browser))))
    for index in range(2):
        browser = Browser(server.url, data["agents"][index]["login"], PASSWORD, timeout=30)
        threads.append(threading.Thread(target=loop, args=("write", writer(browser, f"w{index}"))))
    try:
        for thread in threads:
            thread.start()
        time.sleep(10)
        down = time.perf_counter() - start
        primary.stop("fast")
        time.sleep(10)
        primary.start()
        up = time.perf_counter() - start
        time.sleep(20)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
        alive = server.process.poll() is None and server.process.pid == master
        server.stop()
    during = [e for e in events if down <= e[0] < up]
    after = [e for e in events if e[0] >= up]
    failures_after = [e for e in after if not e[2]]
    recovered = min((e[0] for e in after if e[2]), default=None)
    slowest_failure = max((e[4] for e in events if not e[2]), default=0.0)
    kinds = Counter(e[3].split(":")[0] for e in events if not e[2])
    # Every acknowledged ticket exists, and every ticket there is whole (in the copy
    # of the bench database that Odoo wrote to).
    rows = [
        line.split("|")
        for line in primary.psql(
            "SELECT t.name, (t.number IS NOT NULL AND t.team_id IS NOT NULL"
            " AND t.sla_contract_id IS NOT NULL AND d.date_sla_deadline IS NOT NULL)::text,"
            " (SELECT count(*) FROM mail_message m WHERE m.model = 'helpdesk.ticket'"
            " AND m.res_id = t.id) FROM helpdesk_ticket t"
            " LEFT JOIN helpdesk_ticket_sla_deadline d ON d.id = t.sla_deadline_id"
            f" WHERE t.name LIKE '{tag} %'",
            bench.database,
        ).splitlines()
        if line
    ]
    stored = {name for name, _whole, _messages in rows}
    half = [name for name, whole, messages in rows if whole != "true" or int(messages) < 1]
    lost = [name for name in acknowledged if name not in stored]
    unacknowledged = len(stored) - len(set(acknowledged) & stored)
    ok = alive and not half and not lost and recovered is not None and len(failures_after) <= 8
    note = (
        f"{len(events)} requests; PostgreSQL down {up - down:.1f} s: {len(during)} requests"
        f" during, {sum(not e[2] for e in during)} failed ({dict(kinds)}), slowest failure"
        f" {slowest_failure:.1f} s; first success {recovered - up if recovered else 0:.1f} s"
        f" after the start, {len(failures_after)} failures after it; Odoo master"
        f" {'still running' if alive else 'RESTARTED'}; tickets: {len(acknowledged)}"
        f" acknowledged, {len(stored)} stored ({unacknowledged} stored without answer),"
        f" {len(lost)} lost, {len(half)} half-written"
    )
    bench.rows.append(
        {
            "scenario": "fault: PostgreSQL stopped 10 s and started again under load",
            "runs": len(events),
            "p50": 0.0,
            "p95": 0.0,
            "target": None,
            "ok": "yes" if ok else "NO",
            "note": note,
        }
    )
    print(f"  restart: {note}", flush=True)


def run(bench):
    if any(phase in PHASES for phase in ("primary", "replica")) and not os.path.exists(LOCUST):
        raise RuntimeError(f"{LOCUST} is missing: `make bench` installs it.")
    folder = tempfile.mkdtemp(prefix="bench-load-")
    data_path = os.path.join(folder, "data.json")
    data = _load_data(bench, data_path)
    gevent_port = bench.http_port + 1
    primary = Cluster(PRIMARY_PORT)
    replica = None
    try:
        start = time.perf_counter()
        primary.init().start()
        primary.create_role(getpass.getuser())
        primary.copy_database(bench.database, getpass.getuser())
        replica = primary.standby(REPLICA_PORT).start()
        print(
            f"   primary (port {primary.port}) and standby (port {replica.port}) ready in"
            f" {time.perf_counter() - start:.0f} s",
            flush=True,
        )
        if "proof" in PHASES:
            logfile = os.path.join(folder, "odoo-proof.log")
            server = OdooServer(
                bench,
                bench.http_port,
                gevent_port,
                db_args=_db_args(primary, replica),
                logfile=logfile,
                log_level="info",
            ).start()
            try:
                _replica_proof(bench, server, primary, replica, data, logfile)
            finally:
                server.stop()
        if "restart" in PHASES:
            _restart(bench, primary, data, folder)
        for label, with_replica in (("primary", False), ("replica", True)):
            if label not in PHASES:
                continue
            logfile = os.path.join(folder, f"odoo-{label}.log")
            server = OdooServer(
                bench,
                bench.http_port,
                gevent_port,
                db_args=_db_args(primary, replica if with_replica else None),
                logfile=logfile,
                log_level="info",
            ).start()
            try:
                before = _stats(primary, bench.database), _stats(replica, bench.database)
                _locust(bench, server, data_path, f"4 workers, {label}", folder)
                _flush_wait()
                after = _stats(primary, bench.database), _stats(replica, bench.database)
            finally:
                server.stop()
            modes = Counter()
            for (_route, mode), count in _cursor_modes(logfile).items():
                modes[mode] += count
            note = (
                f"tuples read: primary +{after[0][1] - before[0][1]:,}, standby"
                f" +{after[1][1] - before[1][1]:,}; requests by cursor: "
                + ", ".join(f"{mode} {count:,}" for mode, count in sorted(modes.items()))
            )
            bench.rows.append(
                {
                    "scenario": f"load (4 workers, {label}): where the requests were served",
                    "runs": sum(modes.values()),
                    "p50": 0.0,
                    "p95": 0.0,
                    "target": None,
                    "ok": "yes" if not modes.get("ro->rw") else "NO",
                    "note": note,
                }
            )
            print(f"   {note}", flush=True)
    finally:
        if replica:
            replica.destroy()
        primary.destroy()
    print(f"   Locust's CSV files and Odoo's logs: {folder}", flush=True)
