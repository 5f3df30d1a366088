from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import PEOPLE_BASE, SCHOOLS_BASE, LdapCase


@tagged("post_install", "-at_install")
class TestOperation(LdapCase):
    def _operation(self, **values):
        values.setdefault("ldap_config_id", self.config.id)
        return (
            self.env["collectivite.ldap.operation"]
            .with_user(self.referential_admin)
            .with_context(lang="fr_FR")  # as the web client of a French agent
            .create(values)
        )

    def _create_agent(self, uid="claire.bernard", **values):
        values = {
            "target": "agent",
            "operation_type": "create",
            "ldap_uid": uid,
            "given_name": "Claire",
            "surname": "Bernard",
            "email": f"{uid}@pontoise.example.org",
            "phone": "01 34 43 34 60",
            "service": "Enfance",
            "group_mapping_ids": [self.mappings["contributeur"].id],
            "initial_password": "Claire-2026",
            **values,
        }
        return self._operation(**values)

    def test_create_agent_round_trip(self):
        operation = self._create_agent()
        self.assertEqual(operation.display_name, "Création\u00a0: agent claire.bernard")
        self.assertEqual(
            self.env["collectivite.ldap.operation"].search([("name", "ilike", "claire.ber")]),
            operation,
        )
        self.assertTrue(operation.action_execute())
        self.assertEqual(operation.state, "done")
        self.assertTrue(operation.is_ldap_done and operation.is_odoo_done)
        self.assertFalse(operation.error_message)
        # Directory side, read back with ldapsearch.
        entry = self.slapd.ldapsearch(f"uid=claire.bernard,{PEOPLE_BASE}")
        attrs = entry[f"uid=claire.bernard,{PEOPLE_BASE}"]
        self.assertEqual(attrs["mail"], ["claire.bernard@pontoise.example.org"])
        self.assertEqual(attrs["sn"], ["Bernard"])
        self.assertEqual(attrs["departmentNumber"], ["Enfance"])
        # Given through Password Modify: the directory hashed it itself.
        self.assertTrue(attrs["userPassword"][0].startswith("{SSHA}"))
        self.assertTrue(self.slapd.can_bind(f"uid=claire.bernard,{PEOPLE_BASE}", "Claire-2026"))
        self.assertIn("claire.bernard", self.member_uids("contributeur"))
        self.assertNotIn("claire.bernard", self.member_uids("manager"))
        # Odoo side.
        user = self.users("claire.bernard")
        self.assertEqual(operation.user_id, user)
        self.assertEqual(user.name, "Claire Bernard")
        self.assertEqual(user.ldap_config_id, self.config)
        self.assertIn(self.group_agent, user.groups_id)
        self.assertNotIn(self.group_manager, user.groups_id)
        # The password is not kept once written to the directory.
        self.assertFalse(operation.sudo().pending_password)
        # Running again does nothing twice.
        with self.assertRaises(UserError):
            operation.action_execute()

    def test_edit_agent_round_trip(self):
        self._create_agent().action_execute()
        user = self.users("claire.bernard")
        # From the agent's form, as the referential administrator.
        action = user.with_user(self.referential_admin).action_ldap_update()
        form = Form(
            self.env["collectivite.ldap.operation"]
            .with_user(self.referential_admin)
            .with_context(**action["context"])
        )
        self.assertEqual(form.user_id, user)
        self.assertEqual(form.operation_type, "update")
        # The form is filled from the agent.
        self.assertEqual(form.surname, "Bernard")
        self.assertEqual(form.email, "claire.bernard@pontoise.example.org")
        self.assertEqual(form.group_mapping_ids[:], self.mappings["contributeur"])
        form.surname = "Bernard-Lefort"
        form.email = "claire.bernard-lefort@pontoise.example.org"
        form.group_mapping_ids.clear()
        form.group_mapping_ids.add(self.mappings["manager"])
        operation = form.save()
        operation.action_execute()
        self.assertEqual(operation.state, "done")
        attrs = self.slapd.ldapsearch(f"uid=claire.bernard,{PEOPLE_BASE}")[
            f"uid=claire.bernard,{PEOPLE_BASE}"
        ]
        self.assertEqual(attrs["sn"], ["Bernard-Lefort"])
        self.assertEqual(attrs["cn"], ["Claire Bernard-Lefort"])
        self.assertEqual(attrs["mail"], ["claire.bernard-lefort@pontoise.example.org"])
        self.assertIn("claire.bernard", self.member_uids("manager"))
        self.assertNotIn("claire.bernard", self.member_uids("contributeur"))
        self.assertEqual(user.name, "Claire Bernard-Lefort")
        self.assertEqual(user.email, "claire.bernard-lefort@pontoise.example.org")
        self.assertIn(self.group_manager, user.groups_id)

    def test_disable_agent_round_trip(self):
        self._create_agent().action_execute()
        user = self.users("claire.bernard")
        operation = self._operation(target="agent", operation_type="disable", user_id=user.id)
        operation.action_execute()
        self.assertEqual(operation.state, "done")
        # Removed from the groups; the entry stays (default mode).
        self.assertNotIn("claire.bernard", self.member_uids("contributeur"))
        self.assertTrue(self.slapd.ldapsearch(f"uid=claire.bernard,{PEOPLE_BASE}"))
        self.assertTrue(user.exists())
        self.assertFalse(user.active)
        # The agent's history lists both operations.
        history = user.with_user(self.referential_admin).action_ldap_operations()
        operations = self.env["collectivite.ldap.operation"].search(history["domain"])
        self.assertEqual(operations.mapped("operation_type"), ["disable", "create"])
        # A synchronisation agrees: the agent stays archived.
        self.sync()
        self.assertFalse(user.active)

    def test_disable_agent_deletes_entry_when_configured(self):
        self.config.disable_mode = "delete"
        self._create_agent().action_execute()
        user = self.users("claire.bernard")
        self._operation(target="agent", operation_type="disable", user_id=user.id).action_execute()
        self.assertFalse(self.slapd.ldapsearch(f"uid=claire.bernard,{PEOPLE_BASE}"))
        self.assertTrue(user.exists())
        self.assertFalse(user.active)

    def test_existing_uid_is_refused(self):
        # In the directory, not in Odoo.
        operation = self._create_agent(uid="philippe.usclade")
        with self.assertRaises(UserError):
            operation.action_execute()
        self.assertEqual(operation.state, "draft")
        self.assertFalse(self.users("philippe.usclade"))
        self.assertEqual(
            self.slapd.ldapsearch(f"uid=philippe.usclade,{PEOPLE_BASE}")[
                f"uid=philippe.usclade,{PEOPLE_BASE}"
            ]["sn"],
            ["Usclade"],
        )
        # In Odoo (a citizen), not in the directory.
        new_test_user(self.env, login="karim.benali", groups="base.group_portal")
        operation = self._create_agent(uid="karim.benali")
        with self.assertRaises(UserError):
            operation.action_execute()
        self.assertFalse(self.slapd.ldapsearch(f"uid=karim.benali,{PEOPLE_BASE}"))

    def test_bad_inputs_are_refused(self):
        with self.assertRaises(ValidationError):
            self._create_agent(email="pas-une-adresse")
        with self.assertRaises(ValidationError):
            self._create_agent(uid="Claire Bernard")
        self.sync()  # adds the unmapped LDAP group "lecture-ecoles"
        unmapped = self.config.group_mapping_ids.filtered(
            lambda m: m.ldap_group_cn == "lecture-ecoles"
        )
        with self.assertRaises(ValidationError):
            self._create_agent(group_mapping_ids=[unmapped.id])
        with self.assertRaises(ValidationError):
            self._create_agent(group_mapping_ids=[])
        # Only agents of this directory: never admin or a citizen.
        with self.assertRaises(ValidationError):
            self._operation(
                target="agent", operation_type="disable", user_id=self.env.ref("base.user_admin").id
            )
        self.assertFalse(self.slapd.ldapsearch(f"uid=claire.bernard,{PEOPLE_BASE}"))

    def test_directory_down_then_retry(self):
        operation = self._create_agent()
        self.slapd.pause()
        try:
            self.assertFalse(operation.action_execute())
        finally:
            self.slapd.resume()
        self.assertEqual(operation.state, "error")
        self.assertFalse(operation.is_ldap_done)
        self.assertIn("injoignable", operation.error_message)
        self.assertNotIn("secret-bind-password", operation.error_message)
        # Nothing half-created.
        self.assertFalse(self.users("claire.bernard"))
        self.assertFalse(self.slapd.ldapsearch(f"uid=claire.bernard,{PEOPLE_BASE}"))
        # The retry finishes the job, once.
        operation.action_retry()
        self.assertEqual(operation.state, "done")
        self.assertEqual(len(self.users("claire.bernard")), 1)
        self.assertEqual(len(self.slapd.ldapsearch(PEOPLE_BASE, "(uid=claire.bernard)")), 1)
        with self.assertRaises(UserError):
            operation.action_retry()

    def test_odoo_step_failure_then_retry(self):
        """The directory step is done, Odoo refuses: the retry only does Odoo."""
        self._create_agent().action_execute()
        user = self.users("claire.bernard")
        update = self._operation(
            target="agent",
            operation_type="update",
            user_id=user.id,
            given_name="Claire",
            surname="Bernard-Lefort",
            email="claire.bernard@pontoise.example.org",
            group_mapping_ids=[self.mappings["manager"].id],
        )
        # Meanwhile, the user was unlinked from the directory by a system admin.
        user.ldap_config_id = False
        self.assertFalse(update.action_execute())
        self.assertEqual(update.state, "error")
        self.assertTrue(update.is_ldap_done)
        self.assertFalse(update.is_odoo_done)
        self.assertTrue(update.error_message)
        self.assertEqual(user.name, "Claire Bernard")  # nothing half-written in Odoo
        self.assertIn("claire.bernard", self.member_uids("manager"))
        user.ldap_config_id = self.config
        update.action_retry()
        self.assertEqual(update.state, "done")
        self.assertEqual(user.name, "Claire Bernard-Lefort")
        self.assertIn(self.group_manager, user.groups_id)

    def test_agent_cannot_run_operations(self):
        agent = new_test_user(
            self.env, login="simple.agent", groups="collectivite_base.collectivite_group_agent"
        )
        operation = self._create_agent()
        with self.assertRaises(AccessError):
            operation.with_user(agent).action_execute()
        self.assertEqual(operation.state, "draft")
        self.assertFalse(self.slapd.ldapsearch(f"uid=claire.bernard,{PEOPLE_BASE}"))

    def test_school_round_trip(self):
        operation = self._operation(
            target="place",
            operation_type="create",
            place_code="EM-CURIE",
            place_name="École maternelle Marie Curie",
            place_type="school",
            place_city="Pontoise",
        )
        operation.action_execute()
        self.assertEqual(operation.state, "done")
        dn = f"ou=EM-CURIE,{SCHOOLS_BASE}"
        self.assertEqual(
            self.slapd.ldapsearch(dn)[dn]["description"], ["École maternelle Marie Curie"]
        )
        school = operation.school_id
        self.assertEqual(school.name, "École maternelle Marie Curie")
        self.assertEqual(school.ldap_dn, dn)
        context = school.with_user(self.referential_admin).action_ldap_update()["context"]
        form = Form(
            self.env["collectivite.ldap.operation"]
            .with_user(self.referential_admin)
            .with_context(**context)
        )
        self.assertEqual(form.place_name, "École maternelle Marie Curie")
        self.assertEqual(form.place_city, "Pontoise")
        update = self._operation(
            target="place",
            operation_type="update",
            school_id=school.id,
            place_code="EM-CURIE",
            place_name="École maternelle Marie-Curie",
            place_type="school",
            place_city="Pontoise",
        )
        update.action_execute()
        self.assertEqual(
            self.slapd.ldapsearch(dn)[dn]["description"], ["École maternelle Marie-Curie"]
        )
        self.assertEqual(school.name, "École maternelle Marie-Curie")
        # Existing code refused.
        with self.assertRaises(UserError):
            self._operation(
                target="place",
                operation_type="create",
                place_code="EE-JFERRY",
                place_name="Doublon",
            ).action_execute()
        self._operation(
            target="place", operation_type="disable", school_id=school.id
        ).action_execute()
        self.assertFalse(self.slapd.ldapsearch(dn))
        self.assertFalse(school.active)
        self.assertTrue(school.exists())
        # The synchronisation agrees (and imports the others).
        self.sync()
        self.assertFalse(school.active)

    def test_status_changes_only_by_running(self):
        operation = self._create_agent()
        with self.assertRaises(UserError):
            operation.write({"state": "done"})
        with self.assertRaises(UserError):
            operation.write({"is_ldap_done": True})
        with self.assertRaises(UserError):
            self._create_agent(uid="eve.martin", is_odoo_done=True)
        self.assertEqual(operation.state, "draft")
        self.assertFalse(operation.is_ldap_done)
        # Draft values can be changed; once started, only Retry finishes the job.
        operation.surname = "Bernard-Lefort"
        self.slapd.pause()
        try:
            operation.action_execute()
        finally:
            self.slapd.resume()
        self.assertEqual(operation.state, "error")
        with self.assertRaises(UserError):
            operation.ldap_uid = "claire.autre"
        self.assertEqual(operation.ldap_uid, "claire.bernard")
        operation.action_retry()
        self.assertEqual(self.users("claire.bernard").name, "Claire Bernard-Lefort")

    def test_cancel(self):
        operation = self._create_agent()
        self.slapd.pause()
        try:
            operation.action_execute()
        finally:
            self.slapd.resume()
        self.assertEqual(operation.state, "error")
        # An operation in error keeps no password (the chatter says so).
        self.assertFalse(operation.sudo().pending_password)
        self.assertIn("pas été conservé", " ".join(operation.message_ids.mapped("body")))
        operation.action_cancel()
        self.assertEqual(operation.state, "cancelled")
        draft = self._create_agent(uid="eve.martin")
        self.assertTrue(draft.sudo().pending_password)
        draft.action_cancel()
        self.assertFalse(draft.sudo().pending_password)
        with self.assertRaises(UserError):
            operation.action_retry()
        with self.assertRaises(UserError):
            operation.action_execute()
        self.assertFalse(self.users("claire.bernard"))
        done = self._create_agent(uid="luc.perrin")
        done.action_execute()
        with self.assertRaises(UserError):
            done.action_cancel()
        self.assertEqual(done.state, "done")

    def test_retry_selected_operations_from_the_list(self):
        first, second = self._create_agent(), self._create_agent(uid="luc.perrin")
        self.slapd.pause()
        try:
            (first | second).action_execute()
        finally:
            self.slapd.resume()
        self.assertEqual((first | second).mapped("state"), ["error", "error"])
        action = self.env.ref("ldap_provisioning.collectivite_ldap_operation_action_retry")
        action.with_user(self.referential_admin).with_context(
            active_model=first._name, active_ids=(first | second).ids, lang="fr_FR"
        ).run()
        self.assertEqual((first | second).mapped("state"), ["done", "done"])
        self.assertEqual(len(self.users("claire.bernard", "luc.perrin")), 2)

    def test_missing_ldap_group_is_created(self):
        mapping = self.env["collectivite.ldap.group.mapping"].create(
            {
                "ldap_config_id": self.config.id,
                "ldap_group_cn": "agents-voirie",
                "name": "Agents de la voirie",
                "group_ids": [(6, 0, self.group_agent.ids)],
            }
        )
        operation = self._create_agent(group_mapping_ids=[mapping.id])
        operation.action_execute()
        self.assertEqual(operation.state, "done")
        self.assertEqual(self.member_uids("agents-voirie"), {"claire.bernard"})
        # Disabling empties the group; groupOfNames keeps itself as a placeholder member.
        user = self.users("claire.bernard")
        self._operation(target="agent", operation_type="disable", user_id=user.id).action_execute()
        self.assertEqual(self.member_uids("agents-voirie"), set())
        self.assertFalse(user.active)
