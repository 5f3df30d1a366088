from odoo.sql_db import db_connect
from odoo.tests import new_test_user, tagged

from ..exceptions import DirectoryError, SyncBusy
from .common import GROUPS_BASE, PEOPLE_BASE, LdapCase, seed_ldif


@tagged("post_install", "-at_install")
class TestSync(LdapCase):
    def test_first_sync_imports_agents_groups_and_schools(self):
        step = self.sync()
        philippe, marie, jean = (
            self.users("philippe.usclade"),
            self.users("marie.durand"),
            self.users("jean.martin"),
        )
        self.assertEqual(philippe.name, "Philippe Usclade")
        self.assertEqual(philippe.email, "philippe.usclade@pontoise.example.org")
        self.assertEqual(philippe.phone, "01 34 43 34 50")
        self.assertEqual(philippe.ldap_service, "Affaires scolaires")
        self.assertEqual(philippe.ldap_dn, f"uid=philippe.usclade,{PEOPLE_BASE}")
        self.assertEqual(philippe.ldap_config_id, self.config)
        self.assertEqual(philippe.company_id, self.company)
        self.assertIn(self.group_agent, philippe.groups_id)
        self.assertNotIn(self.group_manager, philippe.groups_id)
        self.assertIn(self.group_manager, marie.groups_id)
        self.assertNotIn(self.group_admin, marie.groups_id)
        self.assertIn(self.group_admin, jean.groups_id)
        self.assertFalse(philippe.share)
        # In no mapped group: not an agent; incomplete entries: skipped and reported.
        self.assertFalse(self.users("paul.sansgroupe", "sans.mail", "mauvais.mail"))
        report = "\n".join(step["report"])
        self.assertIn("uid=sans.mail", report)
        self.assertIn("mail", report)
        self.assertIn("pas-une-adresse", report)
        # The unknown LDAP group is added to the mapping, without Odoo groups.
        unmapped = self.config.group_mapping_ids.filtered(
            lambda m: m.ldap_group_cn == "lecture-ecoles"
        )
        self.assertTrue(unmapped)
        self.assertFalse(unmapped.group_ids)
        self.assertIn("lecture-ecoles", report)
        schools = self.env["collectivite.school"].search([("ldap_config_id", "=", self.config.id)])
        self.assertEqual(sorted(schools.mapped("code")), ["CL-TILLEULS", "EE-JFERRY"])
        self.assertEqual(
            schools.filtered(lambda s: s.code == "CL-TILLEULS").place_type, "leisure_centre"
        )
        self.assertEqual(self.config.last_sync_state, "done")
        self.assertEqual(self.config.last_sync_count, 6)

    def _age(self):
        """Push back write dates: a later write is visible within one transaction."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_users SET write_date = '2000-01-01' WHERE ldap_config_id = %s",
            (self.config.id,),
        )
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = '2000-01-01' WHERE id IN "
            "(SELECT partner_id FROM res_users WHERE ldap_config_id = %s)",
            (self.config.id,),
        )
        self.env.cr.execute(
            "UPDATE collectivite_school SET write_date = '2000-01-01' WHERE ldap_config_id = %s",
            (self.config.id,),
        )
        self.env.invalidate_all()

    def _written(self):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT count(*) FROM res_users u JOIN res_partner p ON p.id = u.partner_id
                WHERE u.ldap_config_id = %s
                  AND (u.write_date > '2000-01-01' OR p.write_date > '2000-01-01')""",
            (self.config.id,),
        )
        users = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            "SELECT count(*) FROM collectivite_school WHERE ldap_config_id = %s"
            " AND write_date > '2000-01-01'",
            (self.config.id,),
        )
        return users + self.env.cr.fetchone()[0]

    def test_rerun_with_nothing_changed_writes_nothing(self):
        self.sync()
        self._age()
        messages = self.env["mail.message"].search_count([])
        users = self.env["res.users"].with_context(active_test=False).search_count([])
        step = self.sync()
        self.assertEqual(step["done"], 0)
        self.assertEqual(self._written(), 0)
        self.assertEqual(self.env["mail.message"].search_count([]), messages)
        self.assertEqual(
            self.env["res.users"].with_context(active_test=False).search_count([]), users
        )

    def test_sync_picks_up_changes(self):
        self.sync()
        self._age()
        self.slapd.ldapmodify(
            f"""dn: uid=philippe.usclade,{PEOPLE_BASE}
changetype: modify
replace: mail
mail: p.usclade@pontoise.example.org
-
replace: sn
sn: Usclade-Roux
-
replace: cn
cn: Philippe Usclade-Roux

dn: cn=manager,{GROUPS_BASE}
changetype: modify
replace: member
member: uid=philippe.usclade,{PEOPLE_BASE}

dn: cn=contributeur,{GROUPS_BASE}
changetype: modify
add: member
member: uid=marie.durand,{PEOPLE_BASE}
member: uid=paul.sansgroupe,{PEOPLE_BASE}

dn: cn=eprocedures-admin,{GROUPS_BASE}
changetype: modify
replace: member
member: cn=eprocedures-admin,{GROUPS_BASE}
"""
        )
        self.sync()
        philippe, marie, jean, paul = (
            self.users("philippe.usclade"),
            self.users("marie.durand"),
            self.users("jean.martin"),
            self.users("paul.sansgroupe"),
        )
        self.assertEqual(philippe.email, "p.usclade@pontoise.example.org")
        self.assertEqual(philippe.name, "Philippe Usclade-Roux")
        self.assertEqual(philippe.ldap_surname, "Usclade-Roux")
        self.assertIn(self.group_manager, philippe.groups_id)
        # Marie left "manager" for "contributeur": she loses the manager group.
        self.assertIn(self.group_agent, marie.groups_id)
        self.assertNotIn(self.group_manager, marie.groups_id)
        # Jean is in no group any more: archived, never deleted.
        self.assertTrue(jean)
        self.assertFalse(jean.active)
        # Paul joined a group: imported.
        self.assertTrue(paul.active)
        self.assertEqual(self._written(), 4)

    def test_deleted_entry_is_archived_and_comes_back(self):
        self.sync()
        self.slapd.ldapdelete(f"uid=marie.durand,{PEOPLE_BASE}")
        self.sync()
        marie = self.users("marie.durand")
        self.assertFalse(marie.active)
        self.slapd.reset(seed_ldif())
        self.sync()
        self.assertTrue(marie.active)

    def test_directory_down_archives_nobody(self):
        self.sync()
        users = self.users("philippe.usclade", "marie.durand", "jean.martin")
        self.slapd.pause()
        try:
            with self.assertRaises(DirectoryError) as caught:
                self.config.with_context(lang="fr_FR")._sync_directory()
            self.assertIn("injoignable", str(caught.exception))
            self.assertNotIn("secret-bind-password", str(caught.exception))
            # The scheduled action reports the failure and goes on.
            self.env["res.company.ldap"].with_context(lang="fr_FR")._cron_sync_directory()
        finally:
            self.slapd.resume()
        self.assertTrue(all(users.mapped("active")))
        self.assertEqual(self.config.last_sync_state, "failed")
        self.assertIn("injoignable", self.config.last_sync_report)
        message = self.config.message_ids[:1]
        self.assertIn("injoignable", message.body)
        self.assertNotIn("secret-bind-password", message.body)

    def test_bind_refused_archives_nobody(self):
        self.sync()
        users = self.users("philippe.usclade", "marie.durand", "jean.martin")
        self.config.ldap_password = "wrong"  # noqa: S105
        self.env["res.company.ldap"]._cron_sync_directory()
        self.assertTrue(all(users.mapped("active")))
        self.assertEqual(self.config.last_sync_state, "failed")
        self.assertNotIn("wrong", self.config.last_sync_report.split(":")[-1])

    def test_empty_result_archives_nobody(self):
        self.sync()
        users = self.users("philippe.usclade", "marie.durand", "jean.martin")
        admin_partner = self.referential_admin.partner_id
        self.slapd.ldapdelete(
            *[
                f"uid={uid},{PEOPLE_BASE}"
                for uid in (
                    "philippe.usclade",
                    "marie.durand",
                    "jean.martin",
                    "paul.sansgroupe",
                    "sans.mail",
                    "mauvais.mail",
                )
            ]
        )
        self.sync()
        self.assertTrue(all(users.mapped("active")))
        self.assertEqual(self.config.last_sync_state, "safety")
        # The administrators are notified.
        message = self.config.message_ids[:1]
        self.assertIn(admin_partner, message.partner_ids)

    def test_far_fewer_entries_archives_nobody(self):
        self.sync()
        users = self.users("philippe.usclade", "marie.durand", "jean.martin")
        self.slapd.ldapdelete(
            *[
                f"uid={uid},{PEOPLE_BASE}"
                for uid in (
                    "marie.durand",
                    "jean.martin",
                    "paul.sansgroupe",
                    "sans.mail",
                )
            ]
        )
        self.sync()
        self.assertTrue(all(users.mapped("active")))
        self.assertEqual(self.config.last_sync_state, "safety")
        self.assertEqual(self.config.last_sync_count, 6)

    def test_memberships_gone_archives_nobody(self):
        """People still there but the mapped groups emptied: nobody is archived."""
        self.sync()
        users = self.users("philippe.usclade", "marie.durand", "jean.martin")
        self.slapd.ldapmodify(
            "\n".join(
                f"dn: cn={cn},{GROUPS_BASE}\nchangetype: modify\nreplace: member\n"
                f"member: cn={cn},{GROUPS_BASE}\n"
                for cn in ("eprocedures-admin", "manager", "contributeur")
            )
        )
        step = self.sync()
        self.assertTrue(all(users.mapped("active")))
        self.assertEqual(self.config.last_sync_state, "safety")
        self.assertIn("mapped group", "\n".join(step["report"]))
        self.assertEqual(self.config.last_sync_active_count, 3)

    def test_portal_admin_and_manual_users_are_never_touched(self):
        citizen = new_test_user(
            self.env,
            login="marie.durand",
            groups="base.group_portal",
            name="Marie Durand (usagère)",
        )
        other_citizen = new_test_user(self.env, login="camille.martin", groups="base.group_portal")
        manual = new_test_user(
            self.env,
            login="jean.martin",
            groups="collectivite_base.collectivite_group_agent",
            name="Jean Martin (manuel)",
        )
        admin = self.env.ref("base.user_admin")
        before = {
            user: (user.name, user.email, user.active, user.groups_id)
            for user in citizen | other_citizen | manual | admin
        }
        step = self.sync()
        self.assertIn("marie.durand", "\n".join(step["report"]))
        self.slapd.ldapdelete(f"uid=philippe.usclade,{PEOPLE_BASE}")
        self.sync()
        for user, values in before.items():
            self.assertEqual((user.name, user.email, user.active, user.groups_id), values)
            self.assertFalse(user.ldap_config_id)

    def test_cron_runs_in_batches(self):
        self.config.sync_batch_size = 1
        Ldap = self.env["res.company.ldap"]
        results = [Ldap._cron_sync_directory() for _i in range(3)]
        self.assertEqual(results[0], {"done": 1, "remaining": 2})
        self.assertEqual(results[1], {"done": 1, "remaining": 1})
        self.assertEqual(results[2]["remaining"], 0)
        self.assertEqual(len(self.users("philippe.usclade", "marie.durand", "jean.martin")), 3)
        # Twice: nothing to do, nothing written.
        self._age()
        self.assertEqual(Ldap._cron_sync_directory(), {"done": 0, "remaining": 0})
        self.assertEqual(self._written(), 0)

    def test_safety_notifies_once(self):
        self.sync()
        self.slapd.ldapdelete(
            *[
                f"uid={uid},{PEOPLE_BASE}"
                for uid in (
                    "philippe.usclade",
                    "marie.durand",
                    "jean.martin",
                    "paul.sansgroupe",
                    "sans.mail",
                    "mauvais.mail",
                )
            ]
        )
        messages = len(self.config.message_ids)
        self.sync()
        self.sync()
        self.assertEqual(len(self.config.message_ids), messages + 1)
        self.assertEqual(self.config.last_sync_state, "safety")

    def test_buttons(self):
        action = self.config.with_context(lang="fr_FR").action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("6", action["params"]["message"])
        action = self.config.with_context(lang="fr_FR").action_sync()
        self.assertIn("3 agent(s) créé(s)", action["params"]["message"])
        self.assertTrue(self.users("philippe.usclade"))
        self.slapd.pause()
        try:
            action = self.config.with_context(lang="fr_FR").action_sync()
        finally:
            self.slapd.resume()
        self.assertIn("injoignable", action["params"]["message"])
        self.assertEqual(self.config.last_sync_state, "failed")
        # In the background: the scheduled action is triggered.
        cron = self.env.ref("ldap_provisioning.ir_cron_ldap_sync")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.config.action_sync_later()
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )

    def test_concurrent_sync_is_refused(self):
        """While another transaction synchronises a directory, a second run stops at
        once (no wait, no failure recorded) and the scheduled action skips it."""
        # Never hang the suite: a wait on a lock fails after a few seconds instead.
        self.env.cr.execute("SET LOCAL lock_timeout = '5s'")
        other = db_connect(self.env.cr.dbname).cursor()
        created = None
        try:
            other.execute("SELECT id FROM res_company_ldap ORDER BY id LIMIT 1")
            row = other.fetchone()
            if not row:  # a database without demo data: a committed directory is needed
                other.execute(
                    """INSERT INTO res_company_ldap (company, ldap_server, ldap_server_port,
                           ldap_filter, ldap_base, ldap_people_filter, disable_mode, sequence,
                           is_provisioning)
                       VALUES (%s, '127.0.0.1', 389, '(uid=%%s)', 'dc=example',
                               '(objectClass=inetOrgPerson)', 'groups', 99, TRUE) RETURNING id""",
                    [self.company.id],
                )
                row = created = other.fetchone()
                other.commit()
            other.execute("SELECT id FROM res_company_ldap WHERE id = %s FOR UPDATE", row)
            locked = self.env["res.company.ldap"].browse(row[0])
            state = locked.last_sync_state
            with self.assertRaises(SyncBusy):
                locked._sync_directory()
            self.env["res.company.ldap"]._cron_sync_directory()
            self.assertEqual(locked.last_sync_state, state)
            # The other directories were synchronised.
            self.assertEqual(self.config.last_sync_state, "done")
        finally:
            other.rollback()
            if created:
                other.execute("DELETE FROM res_company_ldap WHERE id = %s", created)
                other.commit()
            other.close()
