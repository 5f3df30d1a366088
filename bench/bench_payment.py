"""Bench of the fees paid to régies (teleservice_requests, PayFiP): the
back office's payment searches and the daily totals per régie over 500,000
payments, and the creation of a PayFiP transaction against a stand-in of
PayFiP answering at once (the real eopayment client over HTTP on loopback).

Data are generated in SQL: at scale 1, 100,000 paid requests of one fee
téléservice and 500,000 payments over two years, 5 régies, 80 % validated,
10 % refused, 5 % cancelled, 5 % initialised; internet 70 %, counter 20 %,
borne 10 %.
"""

import gc
import os
import statistics
import subprocess
import sys
import time

from common import _process_cpu_ms, bench_user, percentile  # noqa: E402

NAME = "payment"
ADDONS = ("teleservice_requests",)

PAYMENTS = 500_000
REQUESTS = 100_000
REGIES = 5
BATCH = 100_000
MANAGER_LOGIN = "bench.payment.manager"
PARTNER_REF = "bench-payment"
LASTNAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Benali Haddad"
).split()
FIRSTNAMES = "Camille Léa Louis Jules Emma Hugo Chloé Lucas Manon Nathan Inès Karim".split()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The creation of a transaction: enough runs for a p95 (the 11th slowest of 200),
# after a warm-up that brings the process to its steady state (see README).
CREATE_WARMUP = 10
CREATE_REPEAT = 200


def _setup(env):
    company = env.ref("base.main_company")
    Regie = env["collectivite.regie"]
    regies = Regie.search([("code", "=like", "BENCH%")], order="id")
    if len(regies) < REGIES:
        regies |= Regie.create(
            [
                {"name": f"Régie bench {i}", "code": f"BENCH{i}", "numcli": f"{100000 + i}"}
                for i in range(len(regies), REGIES)
            ]
        )
    category = env["collectivite.category"].search([("name", "=", "Bench paiements")])
    if not category:
        category = category.create({"name": "Bench paiements", "company_id": company.id})
    Teleservice = env["collectivite.teleservice"]
    teleservice = Teleservice.search([("code", "=", "bench_payment")])
    if not teleservice:
        teleservice = Teleservice.create(
            {
                "name": "Bench cantine",
                "code": "bench_payment",
                "category_id": category.id,
                "fee_type": "fixed",
                "fee_amount": 12.5,
                "regie_id": regies[0].id,
            }
        )
    manager = bench_user(
        env,
        MANAGER_LOGIN,
        "collectivite_base.collectivite_group_manager",
        name="Régisseur (bench paiements)",
    )
    return regies, teleservice, manager


def _partners(env, count):
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE ref = %s", [PARTNER_REF])
    existing = cr.fetchone()[0]
    if existing < count:
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, firstname, lastname, ref, active,
                                     type, is_company, lang, email, create_date, write_date)
            SELECT f || ' ' || l, f || ' ' || l, f, l, %(ref)s, true, 'contact', false,
                   'fr_FR', 'bench' || g || '@example.org', now(), now()
              FROM generate_series(%(start)s, %(stop)s) g,
                   LATERAL (SELECT (%(first)s::text[])[1 + g %% %(nfirst)s] AS f,
                                   (%(last)s::text[])[1 + (g / %(nfirst)s) %% %(nlast)s] AS l) n
            """,
            {
                "ref": PARTNER_REF,
                "start": existing,
                "stop": count - 1,
                "first": FIRSTNAMES,
                "nfirst": len(FIRSTNAMES),
                "last": LASTNAMES,
                "nlast": len(LASTNAMES),
            },
        )
    cr.execute("SELECT array_agg(id ORDER BY id) FROM res_partner WHERE ref = %s", [PARTNER_REF])
    return cr.fetchone()[0]


def generate(bench):
    payments = bench.size(PAYMENTS)
    requests = max(10, bench.size(REQUESTS))
    with bench.env() as env:
        regies, teleservice, _manager = _setup(env)
        partner_ids = _partners(env, max(1000, requests // 20))
        env.cr.commit()
        cr = env.cr
        cr.execute("SELECT count(*) FROM collectivite_request WHERE name LIKE 'DEM-P-%%'")
        existing = cr.fetchone()[0]
        if existing < requests:
            cr.execute(
                """
                INSERT INTO collectivite_request (
                    name, teleservice_id, category_id, company_id, channel, state, data_state,
                    qos_notified_level, payment_state, requester_id, requester_name,
                    date_submitted, create_date, write_date, create_uid, write_uid)
                SELECT 'DEM-P-' || lpad(g::text, 7, '0'), %(ts)s, %(cat)s, %(company)s,
                       'portal', 'validated', 'valid', 'none', 'paid', p.id, p.name,
                       now() - make_interval(days => (g %% 730)::int), now(), now(), 1, 1
                  FROM generate_series(%(start)s, %(stop)s) g
                  JOIN res_partner p ON p.id = (%(partners)s::int[])[1 + g %% %(np)s]
                """,
                {
                    "ts": teleservice.id,
                    "cat": teleservice.category_id.id,
                    "company": teleservice.company_id.id,
                    "start": existing,
                    "stop": requests - 1,
                    "partners": partner_ids,
                    "np": len(partner_ids),
                },
            )
            env.cr.commit()
        cr.execute(
            "SELECT array_agg(id ORDER BY id) FROM collectivite_request WHERE name LIKE 'DEM-P-%%'"
        )
        request_ids = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM collectivite_payment WHERE name LIKE 'PAI-B-%%'")
        existing = cr.fetchone()[0]
        for start in range(existing, payments, BATCH):
            stop = min(start + BATCH, payments) - 1
            cr.execute(
                """
                WITH src AS (
                    SELECT g, (%(requests)s::int[])[1 + g %% %(nr)s] AS request,
                           (%(regies)s::int[])[1 + (g / 7) %% %(nregie)s] AS regie,
                           (%(total)s - 1 - g)::bigint * 730 / %(total)s AS age
                      FROM generate_series(%(start)s, %(stop)s) g
                )
                INSERT INTO collectivite_payment (
                    name, request_id, teleservice_id, household_name, partner_id, partner_name,
                    regie_id, company_id, currency_id, amount, means, state, numauto, date,
                    date_payment, create_date, write_date, create_uid, write_uid)
                SELECT 'PAI-B-' || lpad(g::text, 8, '0'), src.request, %(ts)s,
                       'F' || lpad((r.requester_id %% 50000)::text, 6, '0'),
                       r.requester_id, r.requester_name, src.regie, %(company)s, %(eur)s,
                       5 + (g %% 400) / 4.0,
                       CASE WHEN g %% 10 < 7 THEN 'internet' WHEN g %% 10 < 9 THEN 'guichet'
                            ELSE 'borne' END,
                       CASE WHEN g %% 20 < 16 THEN 'validated' WHEN g %% 20 < 18 THEN 'refused'
                            WHEN g %% 20 = 18 THEN 'cancelled' ELSE 'initialised' END,
                       CASE WHEN g %% 20 < 16 THEN lpad((g %% 999999)::text, 6, '0') END,
                       (now() - make_interval(days => age::int))::date,
                       now() - make_interval(days => age::int),
                       now(), now(), 1, 1
                  FROM src JOIN collectivite_request r ON r.id = src.request
                """,
                {
                    "requests": request_ids,
                    "nr": len(request_ids),
                    "regies": regies.ids,
                    "nregie": len(regies),
                    "total": payments,
                    "start": start,
                    "stop": stop,
                    "ts": teleservice.id,
                    "company": teleservice.company_id.id,
                    "eur": env.ref("base.EUR").id,
                },
            )
            env.cr.commit()
            print(f"   payments {stop + 1:,} / {payments:,}", flush=True)
    with bench.registry.cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE collectivite_payment")
        cr.execute("VACUUM ANALYZE collectivite_request")


class _Rollback(Exception):
    pass


def run(bench):
    payments = bench.size(PAYMENTS)
    with bench.env() as env:
        regies, teleservice, manager = _setup(env)
        Payment = env["collectivite.payment"].with_user(manager)
        Daily = env["collectivite.payment.daily"].with_user(manager)
        list_fields = [
            "name",
            "date",
            "partner_name",
            "household_name",
            "request_id",
            "regie_id",
            "means",
            "amount",
            "state",
            "numauto",
        ]
        month = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400))
        regie_iter = iter(list(regies.ids) * 20)

        def by_state_regie_date():
            Payment.search_read(
                [
                    ("state", "=", "validated"),
                    ("regie_id", "=", next(regie_iter)),
                    ("date", ">=", month),
                ],
                list_fields,
                limit=80,
                order="partner_name, id",
            )
            env.invalidate_all()

        bench.measure(
            "payment: search by state, régie, month; sorted by name",
            by_state_regie_date,
            repeat=20,
            target_ms=100,
            note=f"{payments:,} payments, 80 rows",
        )
        names = iter([LASTNAMES[(i * 7) % len(LASTNAMES)] for i in range(40)])

        def by_name():
            Payment.search_read(
                [("partner_name", "ilike", next(names)), ("means", "=", "internet")],
                list_fields,
                limit=80,
                order="date desc, id desc",
            )
            env.invalidate_all()

        bench.measure(
            "payment: search by payer name and means; sorted by date",
            by_name,
            repeat=20,
            target_ms=100,
        )

        def by_account():
            Payment.search_read(
                [("state", "in", ("validated", "refused"))],
                list_fields,
                limit=80,
                order="household_name, id",
            )
            env.invalidate_all()

        bench.measure(
            "payment: search by state; sorted by account number",
            by_account,
            repeat=20,
            target_ms=100,
        )
        regie_iter2 = iter(list(regies.ids) * 20)

        def daily_regie():
            Daily.search_read(
                [("regie_id", "=", next(regie_iter2)), ("date", ">=", month)],
                ["date", "regie_id", "payment_count", "amount_total", "amount_internet"],
            )
            env.invalidate_all()

        bench.measure(
            "payment: daily totals of a régie over a month",
            daily_regie,
            repeat=20,
            target_ms=100,
        )

        def daily_all():
            Daily.search_read(
                [("date", ">=", month)],
                ["date", "regie_id", "payment_count", "amount_total"],
                limit=200,
            )
            env.invalidate_all()

        bench.measure(
            "payment: daily totals of every régie over a month",
            daily_all,
            repeat=20,
            target_ms=100,
        )

    # Creating a transaction: the payment, its transaction, creerPaiementSecurise.
    standin = _RemoteStandIn().start()
    try:
        with bench.env() as env:
            provider = env.ref("teleservice_requests.payment_provider_payfip")
            provider.write(
                {
                    "state": "test",
                    "payfip_numcli": "123456",
                    "payfip_service_url": standin.service_url,
                    "payfip_payment_url": standin.payment_url,
                }
            )
            partner = env["res.partner"].search([("ref", "=", PARTNER_REF)], limit=1)
            request = env["collectivite.request"].create(
                {"teleservice_id": teleservice.id, "requester_id": partner.id}
            )
            request.action_submit()
            Tx = env["payment.transaction"].sudo()
            card = env.ref("payment.payment_method_card")

            def create_transaction():
                try:
                    with env.cr.savepoint():
                        payment = (
                            env["collectivite.payment"].sudo()._start(request, partner=partner)
                        )
                        tx = Tx.create(
                            {
                                "provider_id": provider.id,
                                "payment_method_id": card.id,
                                "reference": Tx._compute_reference("payfip", prefix=payment.name),
                                "amount": payment.amount,
                                "currency_id": payment.currency_id.id,
                                "partner_id": partner.id,
                                "operation": "online_redirect",
                                "collectivite_payment_id": payment.id,
                            }
                        )
                        payment.transaction_id = tx
                        tx._get_processing_values()
                        # What the request writes before its commit (the payment's
                        # transaction, the idOp), then undone.
                        env.flush_all()
                        raise _Rollback
                except _Rollback:
                    pass
                env.invalidate_all()

            _measure_creation(bench, env, standin, create_transaction)
            env.cr.rollback()
    finally:
        standin.stop()


class _RemoteStandIn:
    """The tests' PayFiP stand-in in a process of its own (bench/payfip_standin_server.py):
    PayFiP is another machine, whose CPU and Python lock the measured code does not share."""

    def __init__(self):
        self.process = None
        self.service_url = self.payment_url = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, os.path.join(ROOT, "bench", "payfip_standin_server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        addresses = self.process.stdout.readline().split()
        if len(addresses) != 2:
            self.stop()
            raise RuntimeError("The PayFiP stand-in did not start.")
        self.service_url, self.payment_url = addresses
        return self

    def cpu_ms(self):
        return _process_cpu_ms(self.process.pid)

    def stop(self):
        if self.process is not None:
            self.process.stdin.close()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                self.process.wait(10)
            self.process = None


def _machine_ticks():
    """(busy, steal, total) clock ticks of the whole machine so far (/proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:9]]
    idle = values[3] + values[4]
    return sum(values) - idle - values[7], values[7], sum(values)


def _calibration_ms():
    """Thread CPU time of a fixed piece of pure Python (no I/O, no query): what the
    machine's own speed does to CPU time (a busy sibling core, a busy host), apart
    from the measured code."""
    start = time.thread_time()
    counts = {}
    for i in range(40_000):
        counts[i % 997] = counts.get(i % 997, 0) + i
    sorted(str(i) for i in range(10_000))
    return (time.thread_time() - start) * 1000


def _measure_creation(bench, env, standin, func):
    """``func`` (one creation) after a warm-up, ``CREATE_REPEAT`` times; the note
    gives, per creation, the CPU of the measured thread (what the load of the
    machine barely changes, unlike the wall clock), of its PostgreSQL backend
    and of the stand-in, the queries, the full collections of Python's garbage
    collector during the measure, the load average and what the rest of the
    machine used meanwhile, and the CPU time of a fixed Python loop (the machine's speed)."""
    for _i in range(CREATE_WARMUP):
        func()
    env.cr.execute("SELECT pg_backend_pid()")
    backend = env.cr.fetchone()[0]
    full_gc = []
    started = [0.0]

    def on_gc(phase, info):
        if info["generation"] != 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            full_gc.append((time.perf_counter() - started[0]) * 1000)

    timings, cpu, queries, calibration = [], [], [], []
    load_before = os.getloadavg()[0]
    ticks_before = _machine_ticks()
    own_before = _process_cpu_ms(os.getpid()) + _process_cpu_ms(backend) + standin.cpu_ms()
    backend_before, standin_before = _process_cpu_ms(backend), standin.cpu_ms()
    gc.callbacks.append(on_gc)
    try:
        for i in range(CREATE_REPEAT):
            if i % 20 == 0:
                calibration.append(_calibration_ms())
            count = env.cr.sql_log_count
            cpu_start = time.thread_time()
            start = time.perf_counter()
            func()
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - cpu_start) * 1000)
            queries.append(env.cr.sql_log_count - count)
    finally:
        gc.callbacks.remove(on_gc)
    backend_ms = (_process_cpu_ms(backend) - backend_before) / CREATE_REPEAT
    standin_ms = (standin.cpu_ms() - standin_before) / CREATE_REPEAT
    own = _process_cpu_ms(os.getpid()) + _process_cpu_ms(backend) + standin.cpu_ms() - own_before
    ticks_after = _machine_ticks()
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    busy = (ticks_after[0] - ticks_before[0]) * tick_ms
    elapsed = (ticks_after[2] - ticks_before[2]) * tick_ms
    others = max(0.0, busy - own) / max(elapsed, 1) * 100
    steal = (ticks_after[1] - ticks_before[1]) * tick_ms / max(elapsed, 1) * 100
    load_after = os.getloadavg()[0]
    gc_text = (
        f"{len(full_gc)} full GC ({', '.join(f'{ms:.0f}' for ms in full_gc)} ms)"
        if full_gc
        else "no full GC"
    )
    note = (
        f"stand-in in its own process; thread CPU p50 {statistics.median(cpu):.1f} / "
        f"p95 {percentile(cpu, 95):.1f} ms + PostgreSQL {backend_ms:.1f} ms + stand-in "
        f"{standin_ms:.1f} ms a run; {statistics.median(queries):.0f} queries "
        f"(savepoint's 3 included); {gc_text}; load average {load_before:.1f} to "
        f"{load_after:.1f}, other processes {others:.0f} % of the machine, steal {steal:.0f} %; "
        f"CPU of a fixed Python loop {statistics.median(calibration):.1f} ms"
    )
    bench.record(
        "payment: create a PayFiP transaction (stand-in answering at once)",
        timings,
        target_ms=50,
        note=note,
    )
