"""Bench of teleservice_requests: the agent's dashboard, searches by number and
by requester name, the quality-of-service cron, the statistics pivot and the
citizen's "Mes demandes" over HTTP (a household with 200 requests).

Data are generated in SQL (``INSERT ... SELECT generate_series``, a commit per
batch): at scale 1, 1,000,000 requests over 50 téléservices in 10 categories,
submitted over two years in the order of their ids, as on a live database;
those of the last 60 days are being instructed. The
bench agent has the modification right on 3 categories and no access to the
other 7. The table is vacuumed (not timed) after the bench's own mass updates,
as autovacuum does on a live database.
"""

import time

NAME = "teleservice"
ADDONS = ("teleservice_requests",)

TOTAL = 1_000_000
CATEGORIES = 10
TELESERVICES = 50
AGENT_CATEGORIES = 3
BATCH = 100_000
AGENT_LOGIN = "bench.teleservice.agent"
MANAGER_LOGIN = "bench.teleservice.manager"
CITIZEN_LOGIN = "bench.teleservice.citizen@example.org"
CITIZEN_PASSWORD = "bench-citizen"  # noqa: S105 (a bench database's own user)
CITIZEN_REQUESTS = 200
PARTNER_REF = "bench-teleservice"
FIRSTNAMES = (
    "Camille Léa Louis Jules Emma Hugo Chloé Lucas Manon Nathan Inès Karim Sofia Yanis "
    "Lina Adam Jade Gabriel Rose Raphaël Anna Arthur Zoé Léo Alice Paul Sarah Tom Nina Noah"
).split()
LASTNAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier "
    "François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu "
    "Benali Haddad"
).split()
OPEN_STATES = ("pending", "in_progress", "complete", "incomplete", "rectified")
DONE_STATES = (
    "closed",
    "archived",
    "closed",
    "validated",
    "refused",
    "notified",
    "cancelled",
    "closed",
)


def _catalogue(env):
    """10 categories and 50 téléservices of the main company (idempotent)."""
    company = env.ref("base.main_company")
    Category = env["collectivite.category"]
    categories = Category.search([("name", "=like", "Bench catégorie %")], order="id")
    if len(categories) < CATEGORIES:
        categories |= Category.create(
            [
                {"name": f"Bench catégorie {i:02d}", "company_id": company.id}
                for i in range(len(categories), CATEGORIES)
            ]
        )
    Teleservice = env["collectivite.teleservice"]
    teleservices = Teleservice.search([("code", "=like", "bench_%")], order="id")
    if len(teleservices) < TELESERVICES:
        teleservices |= Teleservice.create(
            [
                {
                    "name": f"Bench téléservice {i:02d}",
                    "code": f"bench_{i:02d}",
                    "category_id": categories[i % CATEGORIES].id,
                    "qos_delay_days": 10,
                    "qos_alert_days": 3,
                }
                for i in range(len(teleservices), TELESERVICES)
            ]
        )
    return categories, teleservices


def _users(env, categories):
    Users = env["res.users"].with_context(no_reset_password=True)
    agent = Users.search([("login", "=", AGENT_LOGIN)])
    if not agent:
        agent = Users.create(
            {
                "name": "Agent (bench téléservices)",
                "login": AGENT_LOGIN,
                "groups_id": [(6, 0, [env.ref("collectivite_base.collectivite_group_agent").id])],
            }
        )
        env["collectivite.category.right"].create(
            [
                {
                    "user_id": agent.id,
                    "category_id": category.id,
                    "right": "write" if index < AGENT_CATEGORIES else "none",
                }
                for index, category in enumerate(categories)
            ]
        )
    manager = Users.search([("login", "=", MANAGER_LOGIN)])
    if not manager:
        manager = Users.create(
            {
                "name": "Manager (bench téléservices)",
                "login": MANAGER_LOGIN,
                "groups_id": [(6, 0, [env.ref("collectivite_base.collectivite_group_manager").id])],
            }
        )
    return agent, manager


def _partners(env, count):
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE ref = %s", [PARTNER_REF])
    existing = cr.fetchone()[0]
    if existing < count:
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, firstname, lastname, ref, active,
                                     type, is_company, lang, create_date, write_date)
            SELECT f.name || ' ' || l.name, f.name || ' ' || l.name, f.name, l.name, %(ref)s,
                   true, 'contact', false, 'fr_FR', now(), now()
              FROM generate_series(%(start)s, %(stop)s) g
              JOIN LATERAL (SELECT (%(first)s::text[])[1 + g %% %(nfirst)s] AS name) f ON true
              JOIN LATERAL (SELECT (%(last)s::text[])[1 + (g / %(nfirst)s) %% %(nlast)s] AS name) l
                ON true
            """,
            {
                "ref": PARTNER_REF,
                "start": existing,
                "stop": count - 1,
                "first": list(FIRSTNAMES),
                "nfirst": len(FIRSTNAMES),
                "last": list(LASTNAMES),
                "nlast": len(LASTNAMES),
            },
        )
    cr.execute("SELECT array_agg(id ORDER BY id) FROM res_partner WHERE ref = %s", [PARTNER_REF])
    return cr.fetchone()[0]


def _citizen(env):
    """A portal citizen whose household has ``CITIZEN_REQUESTS`` of the
    generated requests (the most recent ones), created once."""
    Users = env["res.users"].with_context(no_reset_password=True)
    citizen = Users.search([("login", "=", CITIZEN_LOGIN)])
    if not citizen:
        citizen = Users.create(
            {
                "login": CITIZEN_LOGIN,
                "password": CITIZEN_PASSWORD,
                "name": "Usager Banc",
                "email": CITIZEN_LOGIN,
                "lang": "fr_FR",
                "company_id": env.company.id,
                "company_ids": [(6, 0, env.company.ids)],
                "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
            }
        )
        citizen.partner_id.write(
            {"firstname": "Usager", "lastname": "Banc", "household_role": "responsible"}
        )
        env["collectivite.household"].create(
            {
                "street": "rue du Banc d’essai",
                "street_number": "1",
                "zip": "95300",
                "city": "Pontoise",
                "member_ids": [(4, citizen.partner_id.id)],
            }
        )
    household = citizen.partner_id.household_id
    env.cr.execute(
        """
        UPDATE collectivite_request SET household_id = %(household)s,
               requester_id = %(partner)s, requester_name = %(name)s
         WHERE id IN (SELECT id FROM collectivite_request WHERE name LIKE 'DEM-B-%%'
                       ORDER BY id DESC LIMIT %(count)s)
           AND household_id IS DISTINCT FROM %(household)s
        """,
        {
            "household": household.id,
            "partner": citizen.partner_id.id,
            "name": citizen.partner_id.name,
            "count": CITIZEN_REQUESTS,
        },
    )
    return citizen


def generate(bench):
    total = bench.size(TOTAL)
    with bench.env() as env:
        categories, teleservices = _catalogue(env)
        agent, _manager = _users(env, categories)
        partner_ids = _partners(env, max(1000, total // 20))
        env.cr.commit()
        cr = env.cr
        cr.execute("SELECT count(*) FROM collectivite_request WHERE name LIKE 'DEM-B-%%'")
        existing = cr.fetchone()[0]
        teleservice_ids = teleservices.ids
        category_ids = [t.category_id.id for t in teleservices]
        company_id = teleservices[0].company_id.id
        for start in range(existing, total, BATCH):
            stop = min(start + BATCH, total) - 1
            cr.execute(
                """
                WITH src AS (
                    SELECT g,
                           1 + g %% %(nts)s AS ts,
                           (%(partners)s::int[])[1 + (g::bigint * 7919) %% %(np)s] AS requester,
                           (%(total)s - 1 - g)::bigint * 730 / %(total)s AS age
                      FROM generate_series(%(start)s, %(stop)s) g
                ), dated AS (
                    SELECT src.*,
                           now() at time zone 'UTC' - make_interval(days => age::int)
                               - make_interval(secs => (g %% 36000)::int) AS submitted,
                           CASE WHEN age < 60
                                THEN (%(open)s::text[])[1 + g %% 5]
                                ELSE (%(done)s::text[])[1 + g %% 8] END AS state
                      FROM src
                )
                INSERT INTO collectivite_request (
                    name, teleservice_id, category_id, company_id, channel, state, data_state,
                    qos_notified_level, requester_id, requester_name, subject_id, subject_name,
                    date_submitted, date_qos_deadline, date_qos_alert, is_urgent, is_late,
                    is_new_notified, is_anonymized, last_agent_id, date_last_action,
                    date_validated, date_closed, payment_state, create_date, write_date,
                    create_uid, write_uid)
                SELECT 'DEM-B-' || lpad(g::text, 7, '0'),
                       (%(ts)s::int[])[ts], (%(cats)s::int[])[ts], %(company)s,
                       CASE WHEN g %% 3 = 0 THEN 'counter' ELSE 'portal' END,
                       state,
                       CASE WHEN state IN ('pending', 'in_progress') THEN 'to_check'
                            ELSE 'valid' END,
                       'none', requester, p.name, requester, p.name,
                       submitted, submitted + interval '14 days', submitted + interval '9 days',
                       false, false, true, false,
                       CASE WHEN g %% 10 = 0 THEN %(agent)s END,
                       submitted + interval '1 day',
                       CASE WHEN state IN ('validated', 'notified', 'closed', 'archived')
                            THEN submitted + interval '5 days' END,
                       CASE WHEN state IN ('closed', 'archived')
                            THEN submitted + interval '20 days' END,
                       'none', submitted, submitted, 1, 1
                  FROM dated JOIN res_partner p ON p.id = dated.requester
                """,
                {
                    "nts": len(teleservice_ids),
                    "total": total,
                    "partners": partner_ids,
                    "np": len(partner_ids),
                    "start": start,
                    "stop": stop,
                    "open": list(OPEN_STATES),
                    "done": list(DONE_STATES),
                    "ts": teleservice_ids,
                    "cats": category_ids,
                    "company": company_id,
                    "agent": agent.id,
                },
            )
            env.cr.commit()
            print(f"   requests {stop + 1:,} / {total:,}", flush=True)
        _citizen(env)
        env.cr.commit()
    # What autovacuum does on a live database: statistics and visibility map.
    with bench.registry.cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE collectivite_request")
        cr.execute("VACUUM ANALYZE res_partner")


def _vacuum(bench):
    with bench.registry.cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE collectivite_request")


def _reset_qos(bench):
    """Back to "no request flagged yet" (a bench artefact, not timed), then what
    autovacuum does on a live database."""
    with bench.env() as env:
        env.cr.execute(
            "UPDATE collectivite_request SET is_urgent = false, is_late = false "
            "WHERE is_urgent OR is_late"
        )
        env.cr.commit()
    _vacuum(bench)


def _run_qos_cron(bench):
    batches = 0
    while True:
        with bench.env() as env:
            remaining = env["collectivite.request"]._cron_update_qos()
            env.cr.commit()
        batches += 1
        if not remaining:
            return batches


def run(bench):
    total = bench.size(TOTAL)
    # 1. Quality-of-service cron: every batch until nothing remains.
    timings = []
    batches = 0
    for _i in range(3):
        _reset_qos(bench)
        start = time.perf_counter()
        batches = _run_qos_cron(bench)
        timings.append((time.perf_counter() - start) * 1000)
    with bench.env() as env:
        env.cr.execute(
            "SELECT count(*) FILTER (WHERE is_late), count(*) FILTER (WHERE is_urgent "
            "AND NOT is_late) FROM collectivite_request"
        )
        late, urgent = env.cr.fetchone()
    bench.record(
        "teleservice: QoS cron, all batches",
        timings,
        target_ms=10_000,
        note=f"{total:,} requests, {late:,} late + {urgent:,} urgent flagged, {batches} batches",
    )

    _vacuum(bench)
    with bench.env() as env:
        agent = env["res.users"].search([("login", "=", AGENT_LOGIN)])
        manager = env["res.users"].search([("login", "=", MANAGER_LOGIN)])
        Request = env["collectivite.request"].with_user(agent)
        list_fields = [
            "name",
            "teleservice_id",
            "requester_id",
            "subject_id",
            "date_submitted",
            "date_qos_deadline",
            "last_agent_id",
            "state",
            "is_urgent",
            "is_late",
        ]

        # 2. Dashboard: every tile's count and its first page, as the agent.
        Tile = env["collectivite.request.dashboard"].with_user(agent)

        def dashboard():
            tiles = Tile.search([])
            tiles.mapped("request_count")
            for tile in tiles:
                domain, order = tile._tile_domain_order(tile.code)
                Request.search_read(domain, list_fields, limit=80, order=order)
            env.invalidate_all()

        bench.measure(
            "teleservice: dashboard counts + 5 lists (agent, 3 categories)",
            dashboard,
            repeat=20,
            target_ms=300,
            note="5 counts, 5 x 80 rows",
        )

        # 3. Searches, as the search view runs them (80 rows, default order).
        numbers = [f"DEM-B-{(i * 104729) % total:07d}" for i in range(20)]
        names = [
            f"{FIRSTNAMES[i % len(FIRSTNAMES)]} {LASTNAMES[(i * 7) % len(LASTNAMES)]}"
            for i in range(20)
        ]
        iterator = iter(numbers * 2)

        def by_number():
            Request.search_read([("name", "ilike", next(iterator))], list_fields, limit=80)
            env.invalidate_all()

        bench.measure("teleservice: search by request number", by_number, repeat=20, target_ms=100)
        name_iter = iter(names * 2)

        def by_name():
            Request.search_read(
                [("requester_name", "ilike", next(name_iter))], list_fields, limit=80
            )
            env.invalidate_all()

        bench.measure("teleservice: search by requester name", by_name, repeat=20, target_ms=100)

        # 4. Statistics pivot: téléservice x month x state, as a manager.
        Stats = env["collectivite.request"].with_user(manager)

        def pivot():
            Stats.read_group(
                [("is_manageable", "=", True)],
                ["__count"],
                ["teleservice_id", "date_submitted:month", "state"],
                lazy=False,
            )
            env.invalidate_all()

        bench.measure(
            "teleservice: statistics pivot (téléservice x month x state)",
            pivot,
            repeat=5,
            target_ms=2000,
            note=f"{total:,} requests",
        )

    # 5. The citizen's "Mes demandes" over HTTP: the list of a household with 200
    # requests (first page, 80 rows), then one request's page.
    with bench.env() as env:
        citizen = env["res.users"].search([("login", "=", CITIZEN_LOGIN)])
        mine = env["collectivite.request"].search_count(
            [("household_id", "=", citizen.partner_id.household_id.id)]
        )
        env.cr.execute(
            "SELECT id FROM collectivite_request WHERE household_id = %s ORDER BY id DESC LIMIT 1",
            [citizen.partner_id.household_id.id],
        )
        request_id = env.cr.fetchone()[0]
    get = bench.http_login(CITIZEN_LOGIN, CITIZEN_PASSWORD)

    def my_requests():
        if get("/my/demandes").count(b"o_request_row") != 80:
            raise RuntimeError("The citizen's requests list did not show 80 rows.")

    def my_request():
        if b"o_request_history" not in get(f"/my/demandes/{request_id}"):
            raise RuntimeError("The citizen's request page did not show.")

    bench.measure(
        "teleservice: citizen 'Mes demandes' list (HTTP)",
        my_requests,
        repeat=30,
        target_ms=100,
        warmup=3,
        note=f"household with {mine} requests, first page of 80; {total:,} requests",
    )
    bench.measure(
        "teleservice: citizen request page (HTTP)",
        my_request,
        repeat=30,
        target_ms=100,
        warmup=3,
        note="history, documents, answer form",
    )
