"""ldap_provisioning: synchronisation of a large directory (a real slapd on port 3880).

generate(): starts a throwaway slapd (the helper of the addon's tests), loads
5,000 agents and 200 groups with one ldapadd, and configures the directory of
the main company. run(): first synchronisation, a re-run with nothing changed
(zero writes expected) and 50 changes picked up, each through the scheduled
action's method (one transaction per batch, as the cron runner does).
"""

import atexit
import importlib.util
import os
import time

NAME = "ldap"
ADDONS = ("ldap_provisioning",)
PORT = 3880

STATE = {}


def _slapd_module():
    from odoo.modules.module import get_module_path

    path = os.path.join(get_module_path("ldap_provisioning"), "tests", "slapd.py")
    spec = importlib.util.spec_from_file_location("ldap_provisioning_bench_slapd", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAPPED = ("eprocedures-admin", "manager", "contributeur", "referentiel-admin")


def _mapped_group(index):
    if index % 20 == 0:
        return "eprocedures-admin"
    if index % 20 < 4:
        return "manager"
    return "contributeur"


def _directory_ldif(helper, prefix, agents, groups):
    blocks = [helper.base_ldif()]
    members = {cn: [] for cn in MAPPED}
    services = [f"service-{k:03d}" for k in range(max(1, groups - len(MAPPED)))]
    for cn in services:
        members[cn] = []
    for index in range(agents):
        uid = f"{prefix}.{index:05d}"
        blocks.append(
            helper.person_ldif(
                uid,
                "Agent",
                f"Numéro {index:05d}",
                f"{uid}@bench.example.org",
                f"01 34 {index % 100:02d} {index % 97:02d} 00",
                services[index % len(services)],
            )
        )
        members[_mapped_group(index)].append(uid)
        members[services[index % len(services)]].append(uid)
        if index % 100 == 1:
            members["referentiel-admin"].append(uid)
    for cn, uids in members.items():
        blocks.append(helper.group_ldif(cn, uids))
    for index in range(20):
        blocks.append(helper.school_ldif(f"ECOLE-{index:03d}", f"École numéro {index}"))
    return "\n".join(blocks)


def _stop():
    server = STATE.pop("slapd", None)
    if server:
        server.stop()


def generate(bench):
    helper = _slapd_module()
    agents, groups = bench.size(5000), bench.size(200)
    prefix = "b%06d" % (int(time.time()) % 1000000)
    server = helper.Slapd(PORT, tls_port=PORT + 1).start()
    STATE["slapd"] = server
    atexit.register(_stop)
    start = time.perf_counter()
    server.ldapadd(_directory_ldif(helper, prefix, agents, groups))
    print(
        f"   ldapadd of {agents} agents and {groups} groups: {time.perf_counter() - start:.1f} s",
        flush=True,
    )
    with bench.env() as env:
        Ldap = env["res.company.ldap"]
        old = Ldap.search([("ldap_binddn", "=", helper.ROOT_DN)])
        if old:
            # Agents of earlier bench runs (other uids) leave the way: archived, unlinked.
            env.cr.execute(
                "UPDATE res_users SET active = FALSE, ldap_config_id = NULL"
                " WHERE ldap_config_id IN %s",
                (tuple(old.ids),),
            )
            env.cr.execute(
                "UPDATE collectivite_school SET active = FALSE, ldap_config_id = NULL,"
                " code = code || '-' || id WHERE ldap_config_id IN %s",
                (tuple(old.ids),),
            )
            env.invalidate_all()
            old.unlink()
        config = Ldap.create(
            {
                "company": env.ref("base.main_company").id,
                "ldap_server": "127.0.0.1",
                "ldap_server_port": PORT,
                "ldap_binddn": helper.ROOT_DN,
                "ldap_password": helper.ROOT_PASSWORD,
                "ldap_base": helper.PEOPLE_BASE,
                "ldap_filter": "(&(objectClass=inetOrgPerson)(uid=%s))",
                "create_user": False,
                "ldap_tls": True,  # StartTLS: a provisioning directory requires TLS
                "ldap_tls_cacertfile": server.ca_file,
                "is_provisioning": True,
                "ldap_people_base": helper.PEOPLE_BASE,
                "ldap_groups_base": helper.GROUPS_BASE,
                "ldap_schools_base": helper.SCHOOLS_BASE,
            }
        )
        # Other provisioning directories of the bench database are left out.
        Ldap.search([("id", "!=", config.id), ("is_provisioning", "=", True)]).write(
            {"is_provisioning": False}
        )
        STATE.update(config_id=config.id, prefix=prefix, agents=agents, groups=groups)


def _sync(bench):
    """The scheduled action until nothing remains; one transaction per batch."""
    batches = 0
    while True:
        with bench.env() as env:
            result = env["res.company.ldap"]._cron_sync_directory()
        batches += 1
        if not result["remaining"]:
            return batches


def _db_now(bench):
    with bench.env() as env:
        env.cr.execute("SELECT now()")
        return env.cr.fetchone()[0]


def _writes_since(bench, since):
    with bench.env() as env:
        env.cr.execute(
            """SELECT count(*) FROM res_users u JOIN res_partner p ON p.id = u.partner_id
                WHERE u.ldap_config_id = %s AND (u.write_date >= %s OR p.write_date >= %s)""",
            (STATE["config_id"], since, since),
        )
        users = env.cr.fetchone()[0]
        env.cr.execute(
            "SELECT count(*) FROM collectivite_school WHERE ldap_config_id = %s"
            " AND write_date >= %s",
            (STATE["config_id"], since),
        )
        return users + env.cr.fetchone()[0]


def _timed(func):
    start = time.perf_counter()
    result = func()
    return (time.perf_counter() - start) * 1000, result


def _changes_ldif(helper, prefix):
    blocks = []
    for index in range(50):
        uid = f"{prefix}.{index + 20:05d}"
        dn = f"uid={uid},{helper.PEOPLE_BASE}"
        if index < 30:
            blocks.append(
                f"dn: {dn}\nchangetype: modify\nreplace: mail\nmail: {uid}@nouveau.example.org\n"
            )
        elif index < 40:
            blocks.append(
                f"dn: cn=manager,{helper.GROUPS_BASE}\nchangetype: modify\nadd: member\n"
                f"member: {dn}\n"
            )
        else:
            blocks.append(
                f"dn: cn={_mapped_group(index + 20)},{helper.GROUPS_BASE}\nchangetype: modify\n"
                f"delete: member\nmember: {dn}\n"
            )
    return "\n".join(blocks)


def run(bench):
    helper = _slapd_module()
    try:
        agents, groups = STATE["agents"], STATE["groups"]
        elapsed, batches = _timed(lambda: _sync(bench))
        with bench.env() as env:
            count = env["res.users"].search_count([("ldap_config_id", "=", STATE["config_id"])])
        bench.record(
            f"ldap: first sync ({agents} agents, {groups} groups)",
            [elapsed],
            target_ms=60000,
            note=f"{count} users created in {batches} batches",
        )

        since = _db_now(bench)
        elapsed, _batches = _timed(lambda: _sync(bench))
        writes = _writes_since(bench, since)
        bench.record(
            "ldap: re-sync, nothing changed",
            [elapsed],
            target_ms=10000,
            note=f"writes: {writes}" + ("" if writes == 0 else " (expected 0)"),
        )

        STATE["slapd"].ldapmodify(_changes_ldif(helper, STATE["prefix"]))
        since = _db_now(bench)
        elapsed, _batches = _timed(lambda: _sync(bench))
        writes = _writes_since(bench, since)
        with bench.env() as env:
            archived = (
                env["res.users"]
                .with_context(active_test=False)
                .search_count([("ldap_config_id", "=", STATE["config_id"]), ("active", "=", False)])
            )
        bench.record(
            "ldap: 50 changes picked up",
            [elapsed],
            target_ms=10000,
            note=f"users written: {writes} (30 emails, 10 groups, {archived} archived)",
        )
    finally:
        _stop()
