import base64
import re
from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.tests.common import json_rpc

from .common import PDF_PAGE, TeleserviceCommon

# An executable (PE header) renamed .pdf: its content says what it is.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
INTERNAL_NOTE = "NOTE-INTERNE-AGENTS-7731"
AGENT_COMMENT = "COMMENTAIRE-AGENT-5519"


@tagged("post_install", "-at_install")
class TestPortalFollow(HttpCase, TeleserviceCommon):
    """“Mes demandes” from the outside: two citizens of two households and an
    anonymous visitor, over HTTP and JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen.write({"lang": "fr_FR", "tz": "Europe/Paris"})
        cls.teleservice.write({"legal_regime": "acceptance", "legal_delay_months": 2})
        cls.request = cls._request(channel="portal")
        cls.request.comment = AGENT_COMMENT
        cls.request._post_internal_note(INTERNAL_NOTE)
        # A request made at the counter, for the household, shows in the citizen's space.
        cls.counter_request = cls._request(channel="counter")
        cls.draft = cls._request(submit=False)
        # Another household, its citizen and its request.
        cls.citizen2 = new_test_user(
            cls.env,
            login="ts_citizen2",
            groups="base.group_portal",
            name="Karim Testeur",
            email="karim.testeur@example.org",
        )
        cls.citizen2.partner_id.write(
            {"household_role": "responsible", "firstname": "Karim", "lastname": "Testeur"}
        )
        cls.household2 = cls.env["collectivite.household"].create(
            {
                "street": "rue des Lilas",
                "street_number": "8",
                "zip": "95300",
                "city": "Pontoise",
                "member_ids": [Command.link(cls.citizen2.partner_id.id)],
            }
        )
        cls.request2 = cls.env["collectivite.request"].create(
            {
                "teleservice_id": cls.teleservice.id,
                "requester_id": cls.citizen2.partner_id.id,
                "subject_id": cls.citizen2.partner_id.id,
                "household_id": cls.household2.id,
                "name": "DEM-SECRET-0002",
            }
        )
        cls.env["collectivite.request.value"]._set_raw_values(cls.request2, {"child": "Nina"})
        cls.request2.action_submit()
        cls.justificatif2 = cls.env["collectivite.justificatif"].create(
            {
                "name": "Avis d'imposition Testeur",
                "type_id": cls.jtype_address.id,
                "household_id": cls.household2.id,
                "page_ids": [
                    Command.create(
                        {
                            "name": "impots.pdf",
                            "datas": base64.b64encode(PDF_PAGE),
                            "mimetype": "application/pdf",
                        }
                    )
                ],
            }
        )

    # ---------------------------------------------------------------- helpers
    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(match, "the form carries a CSRF token")
        return match.group(1)

    def _make_incomplete(self, request=None):
        request = request or self.request
        agent = request.with_user(self.user_write)
        agent.action_start()
        agent.action_mark_incomplete()
        agent._post_citizen_note("Il manque le justificatif de domicile.")
        agent.action_unlock()
        return request

    def _as_admin(self, record):
        record.invalidate_recordset()
        return record.sudo()

    # ------------------------------------------------------------------ lists
    def test_list_shows_household_requests_only(self):
        self.authenticate("ts_citizen", "ts_citizen")
        response = self._get("/my/demandes")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(self.request.name, html)
        self.assertIn(self.counter_request.name, html)
        self.assertNotIn(self.draft.name, html)
        self.assertNotIn(self.request2.name, html)
        # the state in plain words
        self.assertIn("Reçue, en attente d’examen", html)
        for query in ("?filterby=to_answer", "?filterby=done&sortby=name", "?sortby=bogus"):
            with self.subTest(query=query):
                self.assertEqual(self._get(f"/my/demandes{query}").status_code, 200)
        self.assertEqual(self._get("/my/demandes/page/2").status_code, 200)
        self.authenticate("ts_citizen2", "ts_citizen2")
        html = self._get("/my/demandes").text
        self.assertIn(self.request2.name, html)
        self.assertNotIn(self.request.name, html)

    def test_home_counter(self):
        self.authenticate("ts_citizen", "ts_citizen")
        result = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["teleservice_request_count"]}
        )
        self.assertEqual(result["teleservice_request_count"], 2)
        self.assertIn("/my/demandes", self._get("/my").text)

    def test_anonymous_is_sent_to_login(self):
        self.authenticate(None, None)
        for url in ("/my/demandes", f"/my/demandes/{self.request.id}"):
            with self.subTest(url=url):
                response = self._get(url)
                self.assertEqual(response.status_code, 303)
                self.assertIn("/web/login", response.headers["Location"])

    # ----------------------------------------------------------------- detail
    def test_detail_page(self):
        self.authenticate("ts_citizen", "ts_citizen")
        response = self._get(f"/my/demandes/{self.request.id}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("o_request_deadline", html)
        self.assertIn("réputée acceptée", html)
        # the accusé de réception is in the public history
        self.assertIn("accusé réception", html.replace("accusons réception", "accusé réception"))
        # never an internal note nor an agent-only field
        self.assertNotIn(INTERNAL_NOTE, html)
        self.assertNotIn(AGENT_COMMENT, html)
        self.assertNotIn(self.user_write.name, html)

    def test_other_household_and_guessed_ids_are_404(self):
        self.authenticate("ts_citizen", "ts_citizen")
        missing = self.env["collectivite.request"].search([], order="id desc", limit=1).id + 1000
        for request_id in (self.request2.id, missing, self.draft.id):
            with self.subTest(request_id=request_id):
                response = self._get(f"/my/demandes/{request_id}")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("DEM-SECRET-0002", response.text)
                self.assertNotIn("Nina", response.text)
        page = self.justificatif2.page_ids
        response = self._get(f"/web/content/{page.id}?download=true")
        self.assertIn(response.status_code, (403, 404))
        self.assertNotEqual(response.content, PDF_PAGE)

    def test_json_rpc_hides_agent_fields_and_internal_notes(self):
        self.authenticate("ts_citizen", "ts_citizen")
        read = json_rpc(self, "collectivite.request", "read", [self.request.ids])
        self.assertNotIn("error", read, read)
        row = read["result"][0]
        for fname in ("comment", "lock_user_id", "last_agent_id", "is_late", "data_state"):
            self.assertNotIn(fname, row)
        self.assertNotIn(AGENT_COMMENT, str(row))
        for fname in ("comment", "last_agent_id"):
            with self.subTest(fname=fname):
                named = json_rpc(
                    self,
                    "collectivite.request",
                    "read",
                    [self.request.ids, [fname]],
                    {"context": {"active_test": False}},
                )
                self.assertEqual(named["error"]["data"]["name"], "odoo.exceptions.AccessError")
        searched = json_rpc(
            self,
            "collectivite.request",
            "search_read",
            [[("comment", "ilike", "COMMENTAIRE")]],
            {"fields": ["name"]},
        )
        self.assertIn("error", searched)
        messages = json_rpc(
            self,
            "mail.message",
            "search_read",
            [[("model", "=", "collectivite.request"), ("res_id", "=", self.request.id)]],
            {"fields": ["body"]},
        )
        self.assertNotIn(INTERNAL_NOTE, str(messages))
        other = json_rpc(self, "collectivite.request", "read", [self.request2.ids, ["name"]])
        self.assertEqual(other["error"]["data"]["name"], "odoo.exceptions.AccessError")

    # ---------------------------------------------------------------- message
    def test_citizen_writes_to_the_service(self):
        self.authenticate("ts_citizen", "ts_citizen")
        url = f"/my/demandes/{self.request.id}"
        token = self._csrf(url)
        # without the CSRF token the form is refused, nothing is posted
        count = len(self._as_admin(self.request).message_ids)
        response = self.url_open(f"{url}/message", data={"body": "Sans jeton"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(self._as_admin(self.request).message_ids), count)
        response = self.url_open(
            f"{url}/message", data={"body": "Mon fils mange sans porc.", "csrf_token": token}
        )
        self.assertEqual(response.status_code, 200)
        message = self._as_admin(self.request).message_ids[:1]
        self.assertIn("Mon fils mange sans porc.", message.body)
        self.assertEqual(message.author_id, self.citizen.partner_id)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn("Mon fils mange sans porc.", response.text)
        # an empty message: a French message, nothing posted
        response = self.url_open(f"{url}/message", data={"body": "  ", "csrf_token": token})
        self.assertIn("Écrivez votre message", response.text)
        self.assertEqual(self._as_admin(self.request).message_ids[:1], message)
        # another household's request: 404, nothing posted
        count2 = len(self._as_admin(self.request2).message_ids)
        response = self.url_open(
            f"/my/demandes/{self.request2.id}/message", data={"body": "Intrus", "csrf_token": token}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(len(self._as_admin(self.request2).message_ids), count2)

    def test_agent_public_message_reaches_the_citizen(self):
        self.request.with_user(self.user_write).message_post(
            body="Le dossier est en cours de vérification.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.authenticate("ts_citizen", "ts_citizen")
        html = self._get(f"/my/demandes/{self.request.id}").text
        self.assertIn("Le dossier est en cours de vérification.", html)
        self.assertIn(self.citizen.partner_id, self.request.message_partner_ids)

    # ----------------------------------------------------------------- answer
    def _answer(self, request, token, files=None, **data):
        return self.url_open(
            f"/my/demandes/{request.id}/answer",
            data=dict({"csrf_token": token, "justificatif_type_id": self.jtype_address.id}, **data),
            files=files,
        )

    def test_answer_with_missing_justificatif_rectifies(self):
        request = self._make_incomplete()
        self.authenticate("ts_citizen", "ts_citizen")
        url = f"/my/demandes/{request.id}"
        html = self._get(url).text
        self.assertIn("o_request_answer_form", html)
        self.assertIn("Il manque le justificatif de domicile.", html)
        token = self._csrf(url)
        response = self._answer(
            request,
            token,
            body="Voici la facture.",
            files=[
                ("files", ("page1.pdf", PDF_PAGE, "application/pdf")),
                ("files", ("page2.pdf", PDF_PAGE, "application/pdf")),
            ],
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_request_answered", response.text)
        request = self._as_admin(request)
        self.assertEqual(request.state, "rectified")
        justificatif = request.justificatif_ids.filtered(lambda j: j.state == "pending")[-1:]
        self.assertEqual(justificatif.household_id, self.household)
        self.assertEqual(len(justificatif.page_ids), 2)
        self.assertEqual(set(justificatif.page_ids.mapped("mimetype")), {"application/pdf"})
        self.assertEqual(justificatif.page_ids.mapped("res_model"), [justificatif._name] * 2)
        self.assertFalse(request.last_agent_id == self.citizen)
        # the citizen's answer is in the agent's history
        answer = request.message_ids.filtered(lambda m: "Voici la facture." in (m.body or ""))
        self.assertEqual(answer.author_id, self.citizen.partner_id)
        self.assertIn("Document ajouté", answer.body)
        # the citizen reads their own page
        page = justificatif.page_ids[0]
        document = f"/my/demandes/{request.id}/document/{page.id}"
        self.assertIn(document, self._get(f"/my/demandes/{request.id}").text)
        self.assertEqual(self._get(document).content, PDF_PAGE)
        # another household's page through this request: 404
        other_page = self.justificatif2.page_ids
        response = self._get(f"/my/demandes/{request.id}/document/{other_page.id}")
        self.assertEqual(response.status_code, 404)
        self.authenticate("ts_citizen2", "ts_citizen2")
        self.assertEqual(self._get(document).status_code, 404)
        self.assertIn(self._get(f"/web/content/{page.id}?download=true").status_code, (403, 404))
        self.authenticate("ts_citizen", "ts_citizen")
        # no second answer once rectified
        response = self._answer(request, self._csrf(url), body="Encore")
        self.assertIn("o_request_error", response.text)
        self.assertEqual(self._as_admin(request).state, "rectified")

    def _assert_refused_upload(self, request, token, files, expected):
        attachments = self.env["ir.attachment"].search_count([])
        justificatifs = len(self._as_admin(request).justificatif_ids)
        response = self._answer(request, token, body="Ma pièce", files=files)
        self.assertEqual(response.status_code, 200)
        self.assertIn(expected, response.text)
        self.assertIn("Ma pièce", response.text)  # the input is kept
        self.assertEqual(self._as_admin(request).state, "incomplete")
        self.assertEqual(len(self._as_admin(request).justificatif_ids), justificatifs)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

    def test_forbidden_or_oversized_upload_stores_nothing(self):
        request = self._make_incomplete()
        self.authenticate("ts_citizen", "ts_citizen")
        token = self._csrf(f"/my/demandes/{request.id}")
        self._assert_refused_upload(
            request,
            token,
            [("files", ("facture.pdf", EXECUTABLE, "application/pdf"))],
            "type interdit",
        )
        self.env["ir.config_parameter"].set_param("teleservice_requests.max_file_size_mb", "0.0001")
        self._assert_refused_upload(
            request,
            token,
            [("files", ("facture.pdf", PDF_PAGE * 10, "application/pdf"))],
            "trop volumineux",
        )

    def test_no_answer_while_locked_or_for_another_household(self):
        request = self._make_incomplete()
        request.with_user(self.user_write).action_lock()
        self.authenticate("ts_citizen", "ts_citizen")
        url = f"/my/demandes/{request.id}"
        html = self._get(url).text
        self.assertIn("o_request_locked", html)
        self.assertNotIn("o_request_answer_form", html)
        token = self._csrf(url)
        response = self._answer(request, token, body="Réponse")
        self.assertIn("o_request_error", response.text)
        self.assertEqual(self._as_admin(request).state, "incomplete")
        # another household's incomplete request: 404, unchanged
        request2 = self._make_incomplete(self.request2)
        response = self._answer(request2, token, body="Intrus")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._as_admin(request2).state, "incomplete")
        # the move itself over JSON-RPC: refused, unchanged
        self.authenticate("ts_citizen2", "ts_citizen2")
        result = json_rpc(self, "collectivite.request", "action_rectify", [request.ids])
        self.assertIn("error", result)
        self.assertEqual(self._as_admin(request).state, "incomplete")
        result = json_rpc(
            self, "collectivite.request", "write", [request2.ids, {"state": "rectified"}]
        )
        self.assertIn("error", result)
        self.assertEqual(self._as_admin(request2).state, "incomplete")

    def test_no_answer_after_validation(self):
        self.authenticate("ts_citizen", "ts_citizen")
        token = self._csrf(f"/my/demandes/{self.request.id}")
        response = self._answer(self.request, token, body="Réponse")
        self.assertIn("o_request_error", response.text)
        self.assertEqual(self._as_admin(self.request).state, "pending")


@tagged("post_install", "-at_install")
class TestPortalPublicPages(HttpCase, TeleserviceCommon):
    def test_legal_pages_and_help(self):
        self.env["collectivite.legal.page"].search([]).unlink()
        self.env["collectivite.legal.page"].create(
            [
                {"kind": "legal", "company_id": self.company.id, "body": "<p>Éditeur : mairie</p>"},
                {"kind": "terms", "company_id": self.company.id, "body": "<p>Règles d’usage</p>"},
            ]
        )
        self.teleservice.help_html = "<p>Préparez un justificatif de domicile.</p>"
        self.authenticate(None, None)
        self.assertIn("Éditeur : mairie", self.url_open("/mentions-legales").text)
        self.assertIn("Règles d’usage", self.url_open("/conditions-utilisation").text)
        response = self.url_open(f"/demarches/aide/{self.teleservice.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Préparez un justificatif de domicile.", response.text)
        self.assertIn("/mentions-legales", response.text)  # linked from the footer
        self.teleservice.is_online = False
        self.assertEqual(self.url_open(f"/demarches/aide/{self.teleservice.id}").status_code, 404)
        self.assertEqual(self.url_open("/demarches/aide/999999").status_code, 404)


@tagged("post_install", "-at_install")
class TestCitizenMails(TeleserviceCommon):
    def _citizen_updates(self, request):
        subtype = self.env.ref("teleservice_requests.mail_subtype_citizen_update")
        return request.message_ids.filtered(lambda m: m.subtype_id == subtype)

    def _mails(self, request, subject):
        """The mails to the requester about ``request`` (not sent in tests)."""
        return self.env["mail.mail"].search(
            [
                ("model", "=", request._name),
                ("res_id", "=", request.id),
                ("recipient_ids", "in", self.citizen.partner_id.ids),
                ("subject", "ilike", subject),
            ]
        )

    def test_acknowledgement_at_submission_once(self):
        self.citizen.lang = "fr_FR"
        self.teleservice.write({"legal_regime": "rejection", "legal_delay_months": 2})
        request = self._request(channel="counter")
        updates = self._citizen_updates(request)
        self.assertEqual(len(updates), 1)
        self.assertTrue(request.date_acknowledged)
        body = updates.body
        self.assertIn("accusons réception", body)
        self.assertIn(self.category.name, body)
        self.assertIn("réputée <strong>rejetée</strong>", body)
        self.assertIn("tribunal administratif", body)
        self.assertIn(f"/my/demandes/{request.id}", body)
        self.assertEqual(len(self._mails(request, "Accusé de réception")), 1)
        request._send_acknowledgement()
        self.assertEqual(len(self._citizen_updates(request)), 1)
        self.assertEqual(len(self._mails(request, "Accusé de réception")), 1)

    def test_one_mail_per_move(self):
        self.citizen.lang = "fr_FR"
        request = self._request()
        agent = request.with_user(self.user_write)
        agent.action_start()
        self.assertEqual(len(self._citizen_updates(request)), 2)
        request._notify_citizen_state()
        self.assertEqual(len(self._citizen_updates(request)), 2)
        self.assertEqual(len(self._mails(request, "En cours d’examen")), 1)
        self.assertIn(f"/my/demandes/{request.id}", self._mails(request, "examen").body_html)
        agent.action_mark_incomplete()
        self.assertEqual(len(self._citizen_updates(request)), 3)
        self.assertIn("incomplet", self._citizen_updates(request)[0].body)

    def test_refusal_needs_reasons(self):
        request = self._request()
        agent = request.with_user(self.user_write)
        agent.action_start()
        agent.action_mark_complete()
        with self.assertRaisesRegex(Exception, "motifs"):
            agent.action_refuse()
        request.invalidate_recordset()
        self.assertEqual(request.state, "complete")
        with self.assertRaisesRegex(Exception, "motifs"):
            agent.write({"state": "refused", "refusal_reason": "  "})
        self.assertEqual(request.state, "complete")
        action = agent.action_open_refusal_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_write)
            .with_context(**action["context"])
            .create({"reason": "Quotient familial au-dessus du plafond."})
        )
        wizard.action_confirm()
        self.assertEqual(request.state, "refused")
        self.assertEqual(request.refusal_reason, "Quotient familial au-dessus du plafond.")
        self.assertIn("Quotient familial", self._citizen_updates(request)[0].body)

    def test_online_request_is_new_in_dashboard(self):
        request = self._request(channel="portal")
        self._justificatif(request)
        domain, _order = self.env["collectivite.request.dashboard"]._tile_domain_order("new")
        found = self.env["collectivite.request"].with_user(self.user_write).search(domain)
        self.assertIn(request, found)
        self.assertTrue(request.with_user(self.user_write).justificatif_ids)
        request.date_submitted = fields.Datetime.now() - timedelta(days=1)
