"""Bench of the fees paid to régies (teleservice_requests, PayFiP): the
back office's payment searches and the daily totals per régie over 500,000
payments, and the creation of a PayFiP transaction against a stand-in of
PayFiP answering at once (the real eopayment client over HTTP on loopback).

Data are generated in SQL: at scale 1, 100,000 paid requests of one fee
téléservice and 500,000 payments over two years, 5 régies, 80 % validated,
10 % refused, 5 % cancelled, 5 % initialised; internet 70 %, counter 20 %,
borne 10 %.
"""

import importlib.util
import os
import time

from common import bench_user  # noqa: E402

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


def _standin_class():
    path = os.path.join(ROOT, "addons", "teleservice_requests", "tests", "payfip_standin.py")
    spec = importlib.util.spec_from_file_location("payfip_standin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PayFiPStandIn


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
    standin = _standin_class()().start()
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
                        raise _Rollback
                except _Rollback:
                    pass
                env.invalidate_all()

            bench.measure(
                "payment: create a PayFiP transaction (stand-in answering at once)",
                create_transaction,
                repeat=30,
                target_ms=50,
                note="payment + transaction + creerPaiementSecurise over HTTP",
                warmup=3,
            )
            env.cr.rollback()
    finally:
        standin.stop()
