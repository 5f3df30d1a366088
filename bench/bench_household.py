"""Bench of household_accounts: agents' searches in the households list and the
citizen's "Mon foyer" page.

Data are generated in SQL (``INSERT ... SELECT generate_series``) in batches, one
commit per batch: at scale 1, 200,000 households of the main company and about
600,000 members (1 to 5 per household: the responsible, a spouse, children),
with realistic French last names (Dupont, Dupuis, Martin...). Account numbers come
from the household sequence, which is moved past them. Idempotent: a second run
tops the households up to the wanted size.
"""

import time

from common import bench_user  # noqa: E402

NAME = "household"
ADDONS = ("household_accounts",)

HOUSEHOLDS = 200_000
MEMBERS = 600_000  # 1 to 5 members per household: 3 on average
BATCH = 25_000
AGENT_LOGIN = "bench.household.agent"
CITIZEN_LOGIN = "bench.citizen@example.org"
CITIZEN_PASSWORD = "bench-citizen"  # noqa: S105

LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier "
    "François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas "
    "Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq "
    "Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin "
    "Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly "
    "Hervé Schneider Fernandez Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Cousin "
    "Germain Breton Besson Langlois Rémy Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal "
    "Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne "
    "Grondin Poulain Tessier Chevallier Collin Chauvin Bouchet Gay Lemaître Bénard Maréchal "
    "Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy "
    "Delaunay Pasquier Carlier Laporte Dupré Dupin Diallo Nguyen Benali Traoré"
).split() + ["Le Goff", "Le Gall", "Da Silva", "Le Roux", "Lefèvre-Dupuis", "Bernard-Roux"]
FIRST_NAMES = (
    "Camille Karim Marie Jean Sophie Pierre Julie Nicolas Emma Lucas Léa Hugo Chloé Louis Manon "
    "Gabriel Inès Arthur Jade Jules Louise Adam Alice Raphaël Lina Léo Zoé Nathan Sarah Théo "
    "Anaïs Mohamed Fatima Amadou Aïcha Yanis Héloïse Maël Clément Élodie"
).split()
STREETS = (
    "rue de la République",
    "rue Pierre Butin",
    "place du Grand Martroy",
    "avenue du Général Leclerc",
    "rue de Gisors",
    "quai du Pothuis",
    "rue Thiers",
    "chaussée Jules César",
    "rue de l'Hôtel de Ville",
    "allée des Marronniers",
)


def _users(env):
    return bench_user(
        env,
        AGENT_LOGIN,
        "collectivite_base.collectivite_group_agent",
        name="Agent foyers (bench)",
        company_id=env.company.id,
        company_ids=[(6, 0, env.company.ids)],
    )


def _citizen(env):
    """The portal user of the first generated household (created once)."""
    Users = env["res.users"].with_context(no_reset_password=True)
    citizen = Users.search([("login", "=", CITIZEN_LOGIN)])
    if citizen:
        return citizen
    env.cr.execute(
        "SELECT responsible_id FROM collectivite_household "
        "WHERE state = 'valid' AND is_active ORDER BY id LIMIT 1"
    )
    partner = env["res.partner"].browse(env.cr.fetchone()[0])
    partner.email = CITIZEN_LOGIN
    return Users.create(
        {
            "login": CITIZEN_LOGIN,
            "password": CITIZEN_PASSWORD,
            "partner_id": partner.id,
            "name": partner.name,
            "company_id": env.company.id,
            "company_ids": [(6, 0, env.company.ids)],
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )


def _insert_batch(cr, params):
    """Households numbered ``first``..``first + count - 1``, then their members."""
    cr.execute(
        """
        INSERT INTO collectivite_household (
            name, company_id, state, is_active, has_pending_change, contact_channel,
            street_number, street, zip, city, email, phone,
            create_uid, write_uid, create_date, write_date
        )
        SELECT
            'F' || lpad(n::text, 7, '0'), %(company)s,
            CASE WHEN n %% 20 = 0 THEN 'draft' WHEN n %% 50 = 1 THEN 'invalid'
                 WHEN n %% 97 = 2 THEN 'archived' ELSE 'valid' END,
            n %% 200 <> 3, FALSE,
            (ARRAY['email', 'mail', 'sms', 'phone'])[1 + n %% 4],
            (1 + n %% 120)::text, (%(streets)s::text[])[1 + n %% %(street_count)s],
            '95300', 'Pontoise', 'foyer' || n || '@example.org',
            '01 34 ' || lpad((n %% 100)::text, 2, '0') || ' ' || lpad((n %% 97)::text, 2, '0'),
            1, 1, now() at time zone 'UTC' - (n %% 1500) * interval '1 day',
            now() at time zone 'UTC'
        FROM generate_series(%(first)s, %(first)s + %(count)s - 1) AS n
        """,
        params,
    )
    # Members: 1 to 5 per household (the responsible first), sharing the household's
    # last name but for one spouse in four.
    cr.execute(
        """
        INSERT INTO res_partner (
            name, complete_name, firstname, lastname, birthdate, household_id,
            household_role, company_id, active, type, is_company, partner_share, lang,
            email, create_uid, write_uid, create_date, write_date
        )
        SELECT
            f.first || ' ' || l.last, f.first || ' ' || l.last, f.first, l.last,
            date '2025-01-01' - (CASE WHEN m.k <= 2 THEN 9000 + (h.n * 7 + m.k) %% 15000
                                      ELSE 200 + (h.n * 13 + m.k * 400) %% 6000 END)
                                * interval '1 day',
            h.id,
            CASE m.k WHEN 1 THEN 'responsible' WHEN 2 THEN 'spouse' ELSE 'child' END,
            %(company)s, TRUE, 'contact', FALSE, TRUE, 'fr_FR',
            CASE WHEN m.k = 1 THEN 'foyer' || h.n || '@example.org' END,
            1, 1, h.create_date, h.create_date
        FROM (
            SELECT id, create_date, substring(name from 2)::int AS n
              FROM collectivite_household
             WHERE name BETWEEN %(first_name)s AND %(last_name)s
        ) h
        CROSS JOIN LATERAL generate_series(1, 1 + h.n %% 5) AS m(k)
        CROSS JOIN LATERAL (
            SELECT (%(last_names)s::text[])[
                1 + (CASE WHEN m.k = 2 AND h.n %% 4 = 0 THEN h.n * 31 ELSE h.n * 7 END)
                    %% %(last_count)s] AS last
        ) l
        CROSS JOIN LATERAL (
            SELECT (%(first_names)s::text[])[1 + (h.n * 11 + m.k * 5) %% %(first_count)s]
                AS first
        ) f
        """,
        params,
    )
    cr.execute(
        """
        UPDATE res_partner SET commercial_partner_id = id
         WHERE commercial_partner_id IS NULL AND household_id IS NOT NULL
        """
    )
    cr.execute(
        """
        UPDATE collectivite_household h
           SET responsible_id = p.id, responsible_name = p.name
          FROM res_partner p
         WHERE p.household_id = h.id AND p.household_role = 'responsible'
           AND h.responsible_id IS NULL
        """
    )
    # The households' search fields (stored computes of the members' names).
    cr.execute(
        """
        UPDATE collectivite_household h
           SET member_lastnames = m.lastnames, member_firstnames = m.firstnames
          FROM (
            SELECT p.household_id,
                   string_agg(DISTINCT p.lastname, ' ') AS lastnames,
                   string_agg(DISTINCT p.firstname, ' ') AS firstnames
              FROM res_partner p
              JOIN collectivite_household b ON b.id = p.household_id
             WHERE b.name BETWEEN %(first_name)s AND %(last_name)s
             GROUP BY p.household_id
          ) m
         WHERE m.household_id = h.id
        """,
        params,
    )


def generate(bench):
    total = bench.size(HOUSEHOLDS)
    with bench.env() as env:
        _users(env)
        cr = env.cr
        cr.execute("SELECT count(*) FROM collectivite_household")
        existing = cr.fetchone()[0]
        sequence = env.ref("household_accounts.seq_collectivite_household")
        company = env.company.id
        env.cr.commit()  # the users, before the first batch
        while existing < total:
            count = min(BATCH, total - existing)
            first = sequence.number_next_actual
            # Reserve the numbers: the sequence goes on after this batch.
            sequence.write({"number_next": first + count})
            _insert_batch(
                cr,
                {
                    "company": company,
                    "first": first,
                    "count": count,
                    "first_name": f"F{first:07d}",
                    "last_name": f"F{first + count - 1:07d}",
                    "streets": list(STREETS),
                    "street_count": len(STREETS),
                    "last_names": LAST_NAMES,
                    "last_count": len(LAST_NAMES),
                    "first_names": FIRST_NAMES,
                    "first_count": len(FIRST_NAMES),
                },
            )
            existing += count
            env.cr.commit()  # one transaction per batch
            print(f"   {existing} / {total} households", flush=True)
        cr.execute("ANALYZE collectivite_household")
        cr.execute("ANALYZE res_partner")
        _citizen(env)


def run(bench):
    total = bench.size(HOUSEHOLDS)
    with bench.env() as env:
        agent = env["res.users"].search([("login", "=", AGENT_LOGIN)])
        Household = env["collectivite.household"].with_user(agent)
        Partner = env["res.partner"].with_user(agent)
        # The list views' columns, as the web client asks for them.
        household_fields = {
            fname: {}
            for fname in (
                "name",
                "responsible_name",
                "zip",
                "city",
                "member_count",
                "create_date",
                "company_id",
                "has_pending_change",
                "is_active",
                "state",
            )
        }
        household_fields["company_id"] = {"fields": {"display_name": {}}}
        member_fields = {
            "lastname": {},
            "firstname": {},
            "birthdate": {},
            "household_role": {},
            "household_id": {"fields": {"display_name": {}}},
            "household_state": {},
            "email": {},
        }

        def list_search(model, domain, specification, order=None, count_limit=10001):
            def search():
                result = model.web_search_read(
                    domain, specification, limit=80, count_limit=count_limit, order=order
                )
                env.invalidate_all()
                return result

            return search

        # 1. Households whose member's last name contains "dup" (search view field).
        # The search view's "Member last name" field.
        search = list_search(Household, [("member_lastnames", "ilike", "dup")], household_fields)
        found = search()["length"]
        bench.measure(
            "household: agent search by last name 'dup' (households list)",
            search,
            repeat=20,
            target_ms=100,
            note=f"{found} of {total} households",
        )

        # 2. The "Usagers" list: people whose last name contains "dup".
        search = list_search(
            Partner,
            [("household_id", "!=", False), ("lastname", "ilike", "dup")],
            member_fields,
            # The list view's default_order and count_limit.
            order="id desc",
            count_limit=1001,
        )
        search()
        found = Partner.search_count([("household_id", "!=", False), ("lastname", "ilike", "dup")])
        bench.measure(
            "household: agent search by last name 'dup' (citizens list)",
            search,
            repeat=20,
            target_ms=100,
            note=f"{found} people; the list counts up to 1,000",
        )

        # 3. By account number, a different one each run.
        env.cr.execute(
            "SELECT name FROM collectivite_household ORDER BY id DESC LIMIT 1 OFFSET %s",
            (max(0, total // 3),),
        )
        base_number = int(env.cr.fetchone()[0][1:])
        numbers = iter(f"F{base_number - 37 * i:07d}" for i in range(1000))

        def by_number():
            number = next(numbers)
            result = list_search(Household, [("name", "ilike", number)], household_fields)()
            if result["length"] != 1:
                raise RuntimeError(f"Account {number} not found.")

        bench.measure(
            "household: agent search by account number",
            by_number,
            repeat=30,
            target_ms=100,
            note=f"{total} households",
        )

        # 4. The whole list sorted on the responsible's name, then on creation date.
        for order in ("responsible_name", "create_date desc"):
            bench.measure(
                f"household: agent list sorted by {order.split()[0]}",
                list_search(Household, [], household_fields, order=order),
                repeat=20,
                target_ms=100,
                note=f"{total} households",
            )

    # 5. The citizen's "Mon foyer" page over HTTP.
    get = bench.http_login(CITIZEN_LOGIN, CITIZEN_PASSWORD)

    def my_household():
        if b"o_household_members" not in get("/my/household"):
            raise RuntimeError("The citizen's household page did not show.")

    start = time.perf_counter()
    my_household()
    first = (time.perf_counter() - start) * 1000
    bench.measure(
        "household: citizen 'Mon foyer' page (HTTP)",
        my_household,
        repeat=30,
        target_ms=300,
        warmup=3,
        note=f"first load {first:.0f} ms; {total} households",
    )
