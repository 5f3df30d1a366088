"""The directory console from the outside: JSON-RPC calls as real operators,
against the real slapd, with the context keys a client could send."""

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.tests.common import json_rpc

from .common import GROUPS_BASE, PASSWORD, PEOPLE_BASE, LdapCase

# What a client may add to any call: none of it switches a check off.
CLIENT_CONTEXT = {
    "collectivite_state_checked": True,
    "ldap_groups_cache": {},
    "active_test": False,
    "install_mode": True,
    "lang": "fr_FR",
}
NEW_PASSWORD = "Nouveau-mot-de-passe-2026"  # noqa: S105 (test directory)


@tagged("post_install", "-at_install")
class TestConsoleHttp(LdapCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A referential administrator who is an agent, nothing more.
        cls.operator = new_test_user(
            cls.env,
            login="operateur.agent",
            groups="ldap_provisioning.group_referential_admin",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
            lang="fr_FR",
        )

    def setUp(self):
        super().setUp()
        self.sync()
        self.philippe = self.users("philippe.usclade")  # contributeur: an agent
        self.marie = self.users("marie.durand")  # manager

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _call(self, model, method, args, **kwargs):
        context = dict(CLIENT_CONTEXT, **kwargs.pop("context", {}))
        return json_rpc(self, model, method, args, kwargs, context)

    def _op(self, method, args, **kwargs):
        return self._call("collectivite.ldap.operation", method, args, **kwargs)

    def assertRefused(self, result, error="odoo.exceptions.AccessError"):
        self.assertIn("error", result, result)
        self.assertEqual(result["error"]["data"]["name"], error, result["error"]["data"])
        return result["error"]["data"]["message"]

    def _agent_values(self, uid="claire.bernard", mapping="contributeur", **values):
        return {
            "ldap_config_id": self.config.id,
            "target": "agent",
            "operation_type": "create",
            "ldap_uid": uid,
            "given_name": "Claire",
            "surname": "Bernard",
            "email": f"{uid}@pontoise.example.org",
            "group_mapping_ids": [(6, 0, self.mappings[mapping].ids)],
            "initial_password": "Claire-2026",
            **values,
        }

    def _update_values(self, user, mapping, **values):
        return {
            "ldap_config_id": self.config.id,
            "target": "agent",
            "operation_type": "update",
            "user_id": user.id,
            "given_name": user.ldap_given_name,
            "surname": user.ldap_surname,
            "email": user.email,
            "group_mapping_ids": [(6, 0, self.mappings[mapping].ids)],
            "initial_password": NEW_PASSWORD,
            **values,
        }

    def _operations(self, **domain):
        return (
            self.env["collectivite.ldap.operation"]
            .with_context(active_test=False)
            .search([(key, "=", value) for key, value in domain.items()])
        )

    def _pending_password(self, operation):
        """The stored column itself, read with SQL."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT pending_password FROM collectivite_ldap_operation WHERE id = %s",
            [operation.id],
        )
        return self.env.cr.fetchone()[0]

    def _dn(self, uid):
        return f"uid={uid},{PEOPLE_BASE}"

    # ------------------------------------------------------------------
    # Groups the operator does not hold
    # ------------------------------------------------------------------
    def test_operator_cannot_give_a_group_they_do_not_hold(self):
        self.authenticate("operateur.agent", "operateur.agent")
        # Creating an agent with the manager group.
        message = self.assertRefused(self._op("create", [self._agent_values(mapping="manager")]))
        self.assertIn("que vous ne détenez pas", message)
        self.assertFalse(self._operations(ldap_uid="claire.bernard"))
        # The same through the form's save, with the defaults of the menu.
        result = self._op(
            "web_save",
            [[], self._agent_values(mapping="eprocedures-admin")],
            specification={"state": {}},
            context={"default_target": "agent", "default_operation_type": "create"},
        )
        self.assertRefused(result)
        self.assertFalse(self._operations(ldap_uid="claire.bernard"))
        # A group they hold is fine; changing it afterwards to a higher one is not.
        result = self._op("create", [self._agent_values()])
        operation = self.env["collectivite.ldap.operation"].browse(result["result"])
        self.assertEqual(operation.group_mapping_ids, self.mappings["contributeur"])
        self.assertRefused(
            self._op(
                "write",
                [operation.ids, {"group_mapping_ids": [(4, self.mappings["manager"].id)]}],
            )
        )
        operation.invalidate_recordset()
        self.assertEqual(operation.group_mapping_ids, self.mappings["contributeur"])
        # An operation prepared by a higher operator is not run by this one.
        higher = (
            self.env["collectivite.ldap.operation"]
            .with_user(self.referential_admin)
            .create(self._agent_values(uid="luc.perrin", mapping="eprocedures-admin"))
        )
        self.assertRefused(self._op("action_execute", [higher.ids]))
        self.assertEqual(higher.state, "draft")
        self.assertFalse(self.slapd.ldapsearch(self._dn("luc.perrin")))
        self.assertFalse(self.users("luc.perrin"))
        # Nor by a status or entry flag sent as a default.
        result = self._op(
            "create",
            [self._agent_values(uid="jean.martin")],
            context={"default_has_ldap_entry": True},
        )
        self.assertRefused(result, "odoo.exceptions.UserError")
        self.assertFalse(self._operations(ldap_uid="jean.martin"))
        self.assertTrue(self.slapd.can_bind(self._dn("marie.durand"), PASSWORD))

    def test_operator_runs_what_they_may(self):
        self.authenticate("operateur.agent", "operateur.agent")
        result = self._op("create", [self._agent_values()])
        operation = self.env["collectivite.ldap.operation"].browse(result["result"])
        result = self._op("action_execute", [operation.ids])
        self.assertIs(result.get("result"), True, result)
        self.assertEqual(operation.state, "done")
        self.assertIn("claire.bernard", self.member_uids("contributeur"))
        self.assertNotIn(self.group_manager, self.users("claire.bernard").groups_id)

    # ------------------------------------------------------------------
    # Agents with more rights
    # ------------------------------------------------------------------
    def test_operator_cannot_reset_the_password_of_a_higher_agent(self):
        self.authenticate("operateur.agent", "operateur.agent")
        # marie.durand is a manager, the operator an agent.
        message = self.assertRefused(
            self._op("create", [self._update_values(self.marie, "contributeur")])
        )
        self.assertIn("Marie Durand", message)
        self.assertFalse(self._operations(user_id=self.marie.id))
        # Nor disabling her.
        disable = {
            "ldap_config_id": self.config.id,
            "target": "agent",
            "operation_type": "disable",
            "user_id": self.marie.id,
        }
        self.assertRefused(self._op("create", [disable]))
        self.assertFalse(self._operations(user_id=self.marie.id))
        # An operation prepared by a manager-level operator: neither run nor given a password.
        prepared = (
            self.env["collectivite.ldap.operation"]
            .with_user(self.referential_admin)
            .create(self._update_values(self.marie, "manager", initial_password=False))
        )
        self.assertRefused(self._op("action_execute", [prepared.ids]))
        self.assertRefused(self._op("write", [prepared.ids, {"initial_password": "pirate-1"}]))
        self.assertEqual(prepared.state, "draft")
        self.assertFalse(self._pending_password(prepared))
        self.assertTrue(self.slapd.can_bind(self._dn("marie.durand"), PASSWORD))
        self.assertFalse(self.slapd.can_bind(self._dn("marie.durand"), "pirate-1"))
        self.assertIn("marie.durand", self.member_uids("manager"))
        self.assertTrue(self.marie.active)
        self.assertIn(self.group_manager, self.marie.groups_id)

    def test_rights_given_in_the_directory_count_too(self):
        """philippe.usclade is made a manager in the directory, not yet in Odoo."""
        self.slapd.ldapmodify(
            f"dn: cn=manager,{GROUPS_BASE}\nchangetype: modify\nadd: member\n"
            f"member: {self._dn('philippe.usclade')}\n"
        )
        self.authenticate("operateur.agent", "operateur.agent")
        result = self._op("create", [self._update_values(self.philippe, "contributeur")])
        operation = self.env["collectivite.ldap.operation"].browse(result["result"])
        self.assertTrue(operation.exists())
        message = self.assertRefused(self._op("action_execute", [operation.ids]))
        self.assertIn(self.group_manager.with_context(lang="fr_FR").name, message)
        self.assertEqual(operation.state, "draft")
        self.assertTrue(self.slapd.can_bind(self._dn("philippe.usclade"), PASSWORD))
        self.assertFalse(self.slapd.can_bind(self._dn("philippe.usclade"), NEW_PASSWORD))
        self.assertIn("philippe.usclade", self.member_uids("manager"))

    def test_an_entry_of_someone_else_is_never_taken_over(self):
        """A create operation told (by any means) that it wrote an existing entry
        does not change that entry when its owner has more rights."""
        dn = self._dn("directeur.general")
        self.slapd.ldapadd(
            f"dn: {dn}\nobjectClass: inetOrgPerson\nuid: directeur.general\n"
            f"cn: Directeur Général\nsn: Général\nmail: dg@pontoise.example.org\n"
            f"userPassword: {PASSWORD}\n"
        )
        self.slapd.ldapmodify(
            f"dn: cn=eprocedures-admin,{GROUPS_BASE}\nchangetype: modify\nadd: member\n"
            f"member: {dn}\n"
        )
        self.authenticate("operateur.agent", "operateur.agent")
        result = self._op("create", [self._agent_values(uid="directeur.general")])
        operation = self.env["collectivite.ldap.operation"].browse(result["result"])
        # Whether this write is refused or not, running must not take the entry over.
        self._op("write", [operation.ids, {"has_ldap_entry": True}])
        result = self._op("action_execute", [operation.ids])
        self.assertIn("error", result)
        self.assertIn(
            result["error"]["data"]["name"],
            ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
        )
        self.assertEqual(operation.state, "draft")
        self.assertTrue(self.slapd.can_bind(dn, PASSWORD))
        self.assertFalse(self.slapd.can_bind(dn, "Claire-2026"))
        entry = self.slapd.ldapsearch(dn)[dn]
        self.assertEqual(entry["sn"], ["Général"])
        self.assertNotIn("directeur.general", self.member_uids("contributeur"))
        self.assertIn("directeur.general", self.member_uids("eprocedures-admin"))

    def test_password_of_an_equal_agent_through_password_modify(self):
        self.authenticate("operateur.agent", "operateur.agent")
        result = self._op("create", [self._update_values(self.philippe, "contributeur")])
        operation = self.env["collectivite.ldap.operation"].browse(result["result"])
        self.assertEqual(self._pending_password(operation), NEW_PASSWORD)
        # The operator never reads it back.
        self.assertRefused(self._op("read", [operation.ids, ["pending_password"]]))
        result = self._op("action_execute", [operation.ids])
        self.assertIs(result.get("result"), True, result)
        self.assertEqual(operation.state, "done")
        self.assertIsNone(self._pending_password(operation))
        dn = self._dn("philippe.usclade")
        self.assertTrue(self.slapd.can_bind(dn, NEW_PASSWORD))
        self.assertFalse(self.slapd.can_bind(dn, PASSWORD))
        stored = self.slapd.ldapsearch(dn, attrs=["userPassword"])[dn]["userPassword"][0]
        self.assertTrue(stored.startswith("{SSHA}"), stored)
        self.assertNotIn(NEW_PASSWORD, stored)

    # ------------------------------------------------------------------
    # No password stays once an operation ends
    # ------------------------------------------------------------------
    def test_no_password_stays_after_the_end(self):
        self.authenticate("operateur.agent", "operateur.agent")
        create = self._op("create", [self._agent_values()])["result"]
        down = self._op("create", [self._agent_values(uid="luc.perrin")])["result"]
        cancelled = self._op("create", [self._agent_values(uid="eve.martin")])["result"]
        Operation = self.env["collectivite.ldap.operation"]
        create, down, cancelled = Operation.browse([create, down, cancelled])
        for operation in create | down | cancelled:
            self.assertEqual(self._pending_password(operation), "Claire-2026")
        # Done.
        self.assertIs(self._op("action_execute", [create.ids])["result"], True)
        self.assertEqual(create.state, "done")
        self.assertIsNone(self._pending_password(create))
        stored = self.slapd.ldapsearch(self._dn("claire.bernard"), attrs=["userPassword"])
        self.assertTrue(stored[self._dn("claire.bernard")]["userPassword"][0].startswith("{SSHA}"))
        # Error: the directory is down.
        self.slapd.pause()
        try:
            result = self._op("action_execute", [down.ids])
        finally:
            self.slapd.resume()
        self.assertIs(result["result"], False)
        self.assertEqual(down.state, "error")
        self.assertIsNone(self._pending_password(down))
        self.assertNotIn("Claire-2026", down.error_message)
        # Error on the Odoo side, after the directory step.
        update = self._op("create", [self._update_values(self.philippe, "contributeur")])
        update = Operation.browse(update["result"])
        self.philippe.ldap_config_id = False
        self.assertIs(self._op("action_execute", [update.ids])["result"], False)
        self.assertEqual(update.state, "error")
        self.assertTrue(update.is_ldap_done)
        self.assertIsNone(self._pending_password(update))
        # Cancelled.
        self.assertIs(self._op("action_cancel", [cancelled.ids])["result"], True)
        self.assertEqual(cancelled.state, "cancelled")
        self.assertIsNone(self._pending_password(cancelled))
        # A password cannot come back on an operation that ended.
        result = self._op("write", [down.ids, {"initial_password": "Claire-2027"}])
        self.assertRefused(result, "odoo.exceptions.UserError")
        self.assertIsNone(self._pending_password(down))
        self.env.cr.execute(
            "SELECT count(*) FROM collectivite_ldap_operation WHERE pending_password IS NOT NULL"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    # ------------------------------------------------------------------
    # Buttons of the directory
    # ------------------------------------------------------------------
    def test_sync_buttons_check_their_group_on_the_server(self):
        self.slapd.ldapadd(
            "dn: uid=nina.roux,%s\nobjectClass: inetOrgPerson\nuid: nina.roux\ncn: Nina Roux\n"
            "sn: Roux\nmail: nina.roux@pontoise.example.org\n" % PEOPLE_BASE
        )
        self.slapd.ldapmodify(
            f"dn: cn=contributeur,{GROUPS_BASE}\nchangetype: modify\nadd: member\n"
            f"member: {self._dn('nina.roux')}\n"
        )
        date = self.config.last_sync_date
        cron = self.env.ref("ldap_provisioning.ir_cron_ldap_sync")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        for login in ("operateur.agent", "test.referentiel"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                for method in ("action_sync", "action_sync_later", "action_test_connection"):
                    message = self.assertRefused(
                        self._call("res.company.ldap", method, [self.config.ids])
                    )
                    self.assertIn("administrateurs système", message)
        self.config.invalidate_recordset()
        self.assertEqual(self.config.last_sync_date, date)
        self.assertFalse(self.users("nina.roux"))
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers
        )
        # A system administrator synchronises.
        self.authenticate("admin", "admin")
        result = self._call("res.company.ldap", "action_sync", [self.config.ids])
        self.assertEqual(result["result"]["tag"], "display_notification")
        self.assertTrue(self.users("nina.roux"))

    def test_tls_is_required_from_the_outside(self):
        self.authenticate("admin", "admin")
        message = self.assertRefused(
            self._call("res.company.ldap", "write", [self.config.ids, {"ldap_tls": False}]),
            "odoo.exceptions.ValidationError",
        )
        self.assertIn("StartTLS", message)
        self.config.invalidate_recordset()
        self.assertTrue(self.config.ldap_tls)
        values = dict(self._config_values(), ldap_tls=False, sequence=7)
        self.assertRefused(
            self._call("res.company.ldap", "create", [values]), "odoo.exceptions.ValidationError"
        )
        self.assertFalse(self.env["res.company.ldap"].search([("sequence", "=", 7)]))
