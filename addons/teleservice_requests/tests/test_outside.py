"""Issue 9, "trust from the outside": each rule proved over HTTP and JSON-RPC
(``/web/dataset/call_kw``, ``/web/content``) as the users who meet it, with the
context keys the server used to trust sent by the client. Every refusal is
checked on the record read back as the superuser."""

import base64

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.tests.common import json_rpc

from .common import AGENT, MANAGER, TeleserviceCommon

ACCESS_ERROR = "odoo.exceptions.AccessError"
PDF = b"%PDF-1.4\n% test page\n"


@tagged("post_install", "-at_install")
class TestOutside(HttpCase, TeleserviceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.request = cls._request()
        cls.request_other = cls._request(
            cls.teleservice_other, household_id=False, requester_id=cls.manager.partner_id.id
        )
        Justificatif = env["collectivite.justificatif"]
        cls.justificatif = Justificatif.create(
            {
                "name": "Certificat médical (PAI)",
                "type_id": cls.jtype_address.id,
                "household_id": cls.household.id,
                "request_ids": [Command.link(cls.request.id)],
            }
        )
        cls.page = env["ir.attachment"].create(
            {"name": "certificat.pdf", "raw": PDF, "mimetype": "application/pdf"}
        )
        cls.justificatif.page_ids = [Command.link(cls.page.id)]
        cls.justificatif_other = Justificatif.create(
            {
                "name": "Pièce d’identité",
                "type_id": cls.jtype_address.id,
                "partner_id": cls.manager.partner_id.id,
                "request_ids": [Command.link(cls.request_other.id)],
            }
        )
        cls.cergy = env.ref("collectivite_base.company_cergy")
        cls.manager_cergy = new_test_user(
            env,
            login="ts_manager_cergy",
            groups=MANAGER,
            name="Manager Cergy",
            company_id=cls.cergy.id,
            company_ids=[Command.set(cls.cergy.ids)],
        )
        cls.agent_new = new_test_user(env, login="ts_new", groups=AGENT, name="Agent Nouveau")

    # ----------------------------------------------------------------- helpers
    def _rpc(self, model, method, args, kwargs=None, context=None):
        # The web client sends the user's language with every call.
        return json_rpc(self, model, method, args, kwargs, dict(context or {}, lang="fr_FR"))

    def _error(self, result):
        return result.get("error", {}).get("data", {}).get("name")

    def _visible_ids(self, model, ids):
        result = self._rpc(model, "search_read", [[("id", "in", ids)]], {"fields": ["id"]})
        return sorted(row["id"] for row in result["result"])

    def _as_admin(self, records):
        records.invalidate_recordset()
        return records

    # ------------------------------------------------------- justificatifs
    def test_justificatifs_follow_category_rights(self):
        """none: nothing; read: reads, never validates nor refuses; write and
        manage: validate. A new agent (no line) has the settings' "none"."""
        justificatif = self.justificatif
        ids = (self.justificatif | self.justificatif_other).ids
        expectations = {
            "ts_new": (False, False),
            "ts_none": (False, False),
            "ts_read": (True, False),
            "ts_write": (True, True),
            "ts_manage": (True, True),
            "ts_manager_cergy": (False, False),
        }
        for login, (can_read, can_write) in expectations.items():
            with self.subTest(login=login):
                self.authenticate(login, login)
                self.assertEqual(
                    self._visible_ids("collectivite.justificatif", ids),
                    [justificatif.id] if can_read else [],
                )
                read = self._rpc("collectivite.justificatif", "read", [justificatif.ids, ["name"]])
                if can_read:
                    self.assertEqual(read["result"][0]["name"], justificatif.name)
                else:
                    self.assertEqual(self._error(read), ACCESS_ERROR)
                # another category's document stays out of reach
                other = self._rpc(
                    "collectivite.justificatif", "read", [self.justificatif_other.ids, ["name"]]
                )
                self.assertEqual(self._error(other), ACCESS_ERROR)
                for method in ("action_validate", "action_refuse"):
                    result = self._rpc("collectivite.justificatif", method, [justificatif.ids])
                    if can_write:
                        self.assertNotIn("error", result, result)
                        self.assertIn(self._as_admin(justificatif).state, ("validated", "refused"))
                        justificatif.action_reset()
                    else:
                        self.assertEqual(self._error(result), ACCESS_ERROR)
                        self.assertEqual(self._as_admin(justificatif).state, "pending")
                        self.assertFalse(justificatif.validator_id)
                comment = self._as_admin(justificatif).comment
                changed = self._rpc(
                    "collectivite.justificatif",
                    "write",
                    [justificatif.ids, {"comment": f"par {login}"}],
                )
                if not can_write:
                    self.assertEqual(self._error(changed), ACCESS_ERROR)
                    self.assertEqual(self._as_admin(justificatif).comment, comment)

    def test_pages_follow_the_justificatif(self):
        """/web/content of a page and its record over JSON-RPC, with each right."""
        page = self.page
        self.assertEqual(
            (page.res_model, page.res_id), (self.justificatif._name, self.justificatif.id)
        )
        for login, allowed in (
            ("ts_new", False),
            ("ts_none", False),
            ("ts_read", True),
            ("ts_write", True),
            ("ts_manage", True),
            ("ts_manager_cergy", False),
        ):
            with self.subTest(login=login):
                self.authenticate(login, login)
                response = self.url_open(f"/web/content/{page.id}?download=true")
                if allowed:
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.content, PDF)
                else:
                    self.assertIn(response.status_code, (403, 404))
                    self.assertNotIn(PDF, response.content)
                read = self._rpc("ir.attachment", "read", [page.ids, ["name", "datas"]])
                if allowed:
                    self.assertEqual(base64.b64decode(read["result"][0]["datas"]), PDF)
                else:
                    self.assertEqual(self._error(read), ACCESS_ERROR)
                found = self._rpc(
                    "ir.attachment",
                    "search_read",
                    [[("res_model", "=", "collectivite.justificatif")]],
                    {"fields": ["id"]},
                )
                seen = [row["id"] for row in found.get("result", [])]
                self.assertEqual(page.id in seen, allowed)
                checked = self._rpc("ir.attachment", "check_access", [page.ids, "read"])
                if allowed:
                    self.assertNotIn("error", checked, checked)
                else:
                    self.assertEqual(self._error(checked), ACCESS_ERROR)
                if login in ("ts_read", "ts_manager_cergy"):
                    # consultation reads the page, never changes it
                    renamed = self._rpc("ir.attachment", "write", [page.ids, {"name": "x.pdf"}])
                    self.assertEqual(self._error(renamed), ACCESS_ERROR)
        self.assertEqual(self._as_admin(page).name, "certificat.pdf")

    def test_pages_are_owned_by_their_justificatif(self):
        """A file uploaded for the justificatif is bound to it; a file of another
        record cannot be made a page (nor exposed, nor later deleted with it)."""
        foreign = self.env["ir.attachment"].create(
            {
                "name": "courrier.pdf",
                "raw": PDF,
                "res_model": "collectivite.request",
                "res_id": self.request.id,
            }
        )
        self.authenticate("ts_write", "ts_write")
        upload = self._rpc(
            "ir.attachment",
            "create",
            [
                {
                    "name": "page2.pdf",
                    "datas": base64.b64encode(PDF).decode(),
                    "res_model": "collectivite.justificatif",
                    "res_id": 0,
                }
            ],
        )
        uploaded = self.env["ir.attachment"].browse(upload["result"])
        result = self._rpc(
            "collectivite.justificatif",
            "write",
            [self.justificatif.ids, {"page_ids": [Command.link(uploaded.id)]}],
        )
        self.assertNotIn("error", result, result)
        self._as_admin(uploaded)
        self.assertEqual(
            (uploaded.res_model, uploaded.res_id), (self.justificatif._name, self.justificatif.id)
        )
        refused = self._rpc(
            "collectivite.justificatif",
            "write",
            [self.justificatif.ids, {"page_ids": [Command.link(foreign.id)]}],
        )
        self.assertEqual(self._error(refused), "odoo.exceptions.ValidationError")
        self.assertIn("appartient à un autre enregistrement", refused["error"]["data"]["message"])
        self._as_admin(foreign)
        self._as_admin(self.justificatif)
        self.assertEqual(
            (foreign.res_model, foreign.res_id), ("collectivite.request", self.request.id)
        )
        self.assertNotIn(foreign, self.justificatif.page_ids)
        # the page of one justificatif is not the page of another
        other = self._rpc(
            "collectivite.justificatif",
            "create",
            [
                {
                    "name": "Copie",
                    "type_id": self.jtype_address.id,
                    "page_ids": [Command.link(self.page.id)],
                }
            ],
        )
        self.assertEqual(self._error(other), "odoo.exceptions.ValidationError")
        self.assertFalse(self.env["collectivite.justificatif"].search([("name", "=", "Copie")]))

    def test_links_do_not_open_documents(self):
        """Linking another category's justificatif to one's request (to read it
        there) is refused, and so is linking a justificatif to a request one may
        not modify."""
        self.authenticate("ts_write", "ts_write")
        result = self._rpc(
            "collectivite.request",
            "write",
            [self.request.ids, {"justificatif_ids": [Command.link(self.justificatif_other.id)]}],
        )
        self.assertEqual(self._error(result), ACCESS_ERROR)
        self.assertEqual(self._as_admin(self.request).justificatif_ids, self.justificatif)
        created = self._rpc(
            "collectivite.request",
            "create",
            [
                {
                    "teleservice_id": self.teleservice.id,
                    "justificatif_ids": [Command.set(self.justificatif_other.ids)],
                }
            ],
        )
        self.assertEqual(self._error(created), ACCESS_ERROR)
        self.assertEqual(self._as_admin(self.justificatif_other).request_ids, self.request_other)
        result = self._rpc(
            "collectivite.justificatif",
            "write",
            [self.justificatif.ids, {"request_ids": [Command.link(self.request_other.id)]}],
        )
        self.assertEqual(self._error(result), ACCESS_ERROR)
        self.assertEqual(self._as_admin(self.justificatif).request_ids, self.request)

    # ------------------------------------------------------ collectivités
    def test_other_collectivite_manager_cannot_change_lists(self):
        """Cergy's manager neither reads nor changes Pontoise's justificatif types,
        choice lists and values; Pontoise's manager does."""
        value = self.diet.value_ids[0]
        targets = (
            ("collectivite.parameter.list", self.diet, {"name": "Piraté"}),
            ("collectivite.parameter.value", value, {"name": "Piraté"}),
            ("collectivite.justificatif.type", self.jtype_address, {"name": "Piraté"}),
        )
        self.authenticate("ts_manager_cergy", "ts_manager_cergy")
        for model, record, values in targets:
            with self.subTest(model=model):
                self.assertEqual(self._visible_ids(model, record.ids), [])
                result = self._rpc(model, "write", [record.ids, values])
                self.assertEqual(self._error(result), ACCESS_ERROR)
                result = self._rpc(model, "unlink", [record.ids])
                self.assertEqual(self._error(result), ACCESS_ERROR)
                self.assertNotEqual(self._as_admin(record).name, "Piraté")
        result = self._rpc(
            "collectivite.parameter.value",
            "create",
            [{"list_id": self.diet.id, "key": "pirate", "name": "Piraté"}],
        )
        self.assertEqual(self._error(result), ACCESS_ERROR)
        self.assertNotIn("pirate", self._as_admin(self.diet).value_ids.mapped("key"))
        # its own list is its collectivité's
        created = self._rpc(
            "collectivite.parameter.list", "create", [{"name": "Cergy", "code": "test_regimes"}]
        )
        self.assertNotIn("error", created, created)
        self.assertEqual(
            self.env["collectivite.parameter.list"].browse(created["result"]).company_id,
            self.cergy,
        )
        self.authenticate("ts_manager", "ts_manager")
        result = self._rpc(
            "collectivite.parameter.list", "write", [self.diet.ids, {"name": "Régimes"}]
        )
        self.assertNotIn("error", result, result)
        self.assertEqual(self._as_admin(self.diet).name, "Régimes")

    # ---------------------------------------------------------- households
    def test_inactive_household_hides_its_requests(self):
        draft = self._request(submit=False)
        requests = self.request | draft
        values = requests.value_ids
        self.authenticate("ts_citizen", "ts_citizen")
        self.assertEqual(
            self._visible_ids("collectivite.request", requests.ids), sorted(requests.ids)
        )
        self.assertEqual(
            self._visible_ids("collectivite.justificatif", self.justificatif.ids),
            self.justificatif.ids,
        )
        self.assertEqual(
            self._visible_ids("collectivite.request.value", values.ids), sorted(values.ids)
        )
        self.household.is_active = False
        for model, records in (
            ("collectivite.request", requests),
            ("collectivite.justificatif", self.justificatif),
            ("collectivite.request.value", values),
        ):
            with self.subTest(model=model):
                self.assertEqual(self._visible_ids(model, records.ids), [])
                read = self._rpc(model, "read", [records.ids[:1], ["id"]])
                self.assertEqual(self._error(read), ACCESS_ERROR)
        messages = self._rpc(
            "mail.message",
            "search_read",
            [[("model", "=", "collectivite.request"), ("res_id", "in", requests.ids)]],
            {"fields": ["id"]},
        )
        self.assertEqual(messages.get("result", []), [])
        read = self._rpc("ir.attachment", "read", [self.page.ids, ["datas"]])
        self.assertEqual(self._error(read), ACCESS_ERROR)
        self.assertEqual(self._as_admin(requests).exists(), requests)

    # -------------------------------------------------------- context keys
    def test_lock_bypass_key_is_ignored(self):
        self.authenticate("ts_write", "ts_write")
        self.assertNotIn(
            "error", self._rpc("collectivite.request", "action_lock", [self.request.ids])
        )
        self.authenticate("ts_write2", "ts_write2")
        result = self._rpc(
            "collectivite.request",
            "write",
            [self.request.ids, {"comment": "forcé"}],
            context={"teleservice_lock_bypass": True},
        )
        self.assertEqual(self._error(result), "odoo.exceptions.UserError")
        result = self._rpc(
            "collectivite.request",
            "action_unlock",
            [self.request.ids],
            context={"teleservice_lock_bypass": True},
        )
        self.assertEqual(self._error(result), ACCESS_ERROR)
        request = self._as_admin(self.request)
        self.assertFalse(request.comment)
        self.assertEqual(request.lock_user_id, self.user_write)

    def test_system_author_key_is_ignored(self):
        system = self.env.ref("collectivite_base.partner_system")
        self.authenticate("ts_write", "ts_write")
        result = self._rpc(
            "collectivite.justificatif",
            "action_validate",
            [self.justificatif.ids],
            context={"collectivite_system_author": True},
        )
        self.assertNotIn("error", result, result)
        note = self.env["mail.message"].search(
            [
                ("model", "=", "collectivite.request"),
                ("res_id", "=", self.request.id),
                ("body", "ilike", self.justificatif.name),
            ],
            limit=1,
        )
        self.assertEqual(note.author_id, self.user_write.partner_id)
        self.assertNotEqual(note.author_id, system)
        self.assertEqual(self._as_admin(self.justificatif).validator_id, self.user_write)
