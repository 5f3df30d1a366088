from odoo import http
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .portal_common import EXE, PDF, PortalFormCase, read_form


@tagged("post_install", "-at_install")
class TestPortalForm(PortalFormCase):
    """The canteen enrolment filled from the portal, step by step, as two
    citizens and a visitor, every form posted as the page renders it."""

    def _to_restauration(self):
        started = self.start_canteen(self.citizen_a, self.child_a)
        self.assertEqual(started.status_code, 200)
        self.assertIn("/etape/0", started.url)
        step = self.submit_form(
            started, "o_teleservice_step_form", {self.name("ecole"): str(self.school.id)}
        )
        self.assertEqual(step.status_code, 200, step.text[:3000])
        self.assertIn("/etape/1", step.url)
        return step

    def test_catalogue_is_public_and_lists_online_procedures(self):
        page = self.url_open("/demarches")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Cantine (portail)", page.text)
        self.assertIn("Inscrire un enfant au restaurant scolaire.", page.text)
        self.assertIn("Acte de naissance (portail)", page.text)
        self.assertNotIn("Hors ligne (portail)", page.text)
        self.assertEqual(self.url_open(f"/demarches/{self.offline.id}").status_code, 404)

    def test_start_resumes_the_draft_instead_of_a_duplicate(self):
        first = self.start_canteen(self.citizen_a, self.child_a)
        draft = self.draft_of(self.citizen_a.partner_id)
        self.assertEqual(len(draft), 1)
        self.assertEqual(draft.subject_id, self.child_a)
        self.assertEqual(draft.channel, "portal")
        self.assertIn(f"/demarches/brouillon/{draft.id}/etape/0", first.url)
        self.assertIn("Enfant Dupuis", first.text)
        self.start_canteen(self.citizen_a, self.child_a)
        self.assertEqual(self.draft_of(self.citizen_a.partner_id), draft)
        # Another person concerned: another draft.
        self.start_canteen(self.citizen_a, self.citizen_a.partner_id)
        self.assertEqual(len(self.draft_of(self.citizen_a.partner_id)), 2)
        # Unless the téléservice allows several drafts per person.
        self.canteen.allows_several_drafts = True
        self.start_canteen(self.citizen_a, self.child_a)
        self.assertEqual(len(self.draft_of(self.citizen_a.partner_id)), 3)

    def test_start_refuses_a_person_of_another_household(self):
        self.login(self.citizen_a)
        page = self.url_open(f"/demarches/{self.canteen.id}")
        answer = self.submit_form(
            page, "o_teleservice_start_form", {"subject_id": str(self.child_b.id)}
        )
        self.assertEqual(answer.status_code, 400)
        self.assertFalse(self.draft_of(self.citizen_a.partner_id))

    def test_inactive_household_cannot_start(self):
        self.household_a.is_active = False
        self.login(self.citizen_a)
        page = self.url_open(f"/demarches/{self.canteen.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_teleservice_start_form", page.text)
        answer = self.url_open(
            f"/demarches/{self.canteen.id}/commencer",
            data={"csrf_token": http.Request.csrf_token(self), "subject_id": self.child_a.id},
        )
        self.assertEqual(answer.status_code, 400)
        self.assertIn("compte foyer", answer.text)
        self.assertFalse(self.draft_of(self.citizen_a.partner_id))

    def test_step_errors_are_shown_next_to_each_field_input_kept(self):
        step = self._to_restauration()
        answer = self.submit_form(
            step,
            "o_teleservice_step_form",
            {
                self.name("allergie"): "yes",
                self.name("jours"): "beaucoup",
                self.name("remarque"): "Merci",
            },
        )
        self.assertEqual(answer.status_code, 400)
        _action, values, tree = read_form(answer.text, "o_teleservice_step_form")
        summary = tree.xpath("//div[@id='error_summary']//a/@href")
        self.assertIn("#" + self.name("detail"), summary)
        self.assertIn("#" + self.name("jours"), summary)
        detail = tree.xpath(f"//input[@id='{self.name('detail')}']")[0]
        self.assertEqual(detail.get("aria-invalid"), "true")
        self.assertIn(f"{self.name('detail')}_error", detail.get("aria-describedby"))
        self.assertTrue(tree.xpath(f"//*[@id='{self.name('detail')}_error']"))
        # Input kept, nothing saved.
        self.assertEqual(values[self.name("jours")], ["beaucoup"])
        self.assertEqual(values[self.name("remarque")], ["Merci"])
        draft = self.draft_of(self.citizen_a.partner_id)
        line = draft.value_ids.filtered(lambda v: v.field_id.key == "remarque")
        self.assertFalse(line.value_text)

    def test_hidden_field_posted_is_ignored(self):
        step = self._to_restauration()
        answer = self.submit_form(
            step,
            "o_teleservice_step_form",
            {self.name("allergie"): "no", self.name("detail"): "secret", self.name("jours"): "4"},
        )
        self.assertEqual(answer.status_code, 200)
        self.assertIn("/justificatifs", answer.url)
        draft = self.draft_of(self.citizen_a.partner_id)
        values = {v.field_id.key: v for v in draft.value_ids}
        self.assertFalse(values["detail"].value_char)
        self.assertEqual(values["jours"].value_number, 4)
        self.assertEqual(values["ecole"].value_school_id, self.school)

    def test_bad_input_gives_french_messages_and_no_500(self):
        step = self._to_restauration()
        for value, message in (
            ("Lé\x00o", "caractères"),
            ("x" * 500, "trop long"),
        ):
            with self.subTest(value=value[:5]):
                answer = self.submit_form(
                    step,
                    "o_teleservice_step_form",
                    {
                        self.name("allergie"): "yes",
                        self.name("detail"): value,
                        self.name("jours"): "4",
                    },
                )
                self.assertEqual(answer.status_code, 400)
                self.assertIn(message, answer.text)
        for changes in (
            {self.name("jours"): "nan"},
            {self.name("jours"): "1e999"},
            {self.name("allergie"): "peut-être"},
        ):
            with self.subTest(changes=changes):
                answer = self.submit_form(step, "o_teleservice_step_form", changes)
                self.assertEqual(answer.status_code, 400)
        # A school of the wrong kind or unknown: refused.
        first = self.url_open(step.url.replace("/etape/1", "/etape/0"))
        for school in (str(self.other_school.id), "999999999", "abc"):
            answer = self.submit_form(
                first, "o_teleservice_step_form", {self.name("ecole"): school}
            )
            self.assertEqual(answer.status_code, 400)
            self.assertIn("Choisissez", answer.text)
        draft = self.draft_of(self.citizen_a.partner_id)
        values = {v.field_id.key: v for v in draft.value_ids}
        self.assertFalse(values["detail"].value_char)
        self.assertEqual(values["ecole"].value_school_id, self.school)

    def test_another_citizen_or_a_visitor_cannot_reach_a_draft(self):
        self._to_restauration()
        draft = self.draft_of(self.citizen_a.partner_id)
        before = draft.value_ids.read(["value_char", "value_number"])
        urls = [
            f"/demarches/brouillon/{draft.id}",
            f"/demarches/brouillon/{draft.id}/etape/1",
            f"/demarches/brouillon/{draft.id}/justificatifs",
            f"/demarches/brouillon/{draft.id}/recapitulatif",
        ]
        self.login(self.citizen_b)
        for url in urls:
            with self.subTest(url=url):
                answer = self.url_open(url)
                self.assertEqual(answer.status_code, 404)
                self.assertNotIn("Dupuis", answer.text)
        drafts = self.url_open("/my/brouillons")
        self.assertNotIn(draft.name, drafts.text)
        self.authenticate(None, None)
        for url in urls:
            with self.subTest(url=url, visitor=True):
                self.assertEqual(self.url_open(url).status_code, 404)
                self.assertEqual(self.url_open(url + "?access_token=guessed").status_code, 404)
        self.assertEqual(draft.value_ids.read(["value_char", "value_number"]), before)
        self.assertEqual(draft.state, "draft")

    def test_post_of_another_citizen_changes_nothing(self):
        step = self._to_restauration()
        draft = self.draft_of(self.citizen_a.partner_id)
        action, values, _tree = read_form(step.text, "o_teleservice_step_form")
        self.login(self.citizen_b)
        page = self.url_open("/demarches")  # a session of B, its own CSRF token
        self.assertEqual(page.status_code, 200)
        values["csrf_token"] = [http.Request.csrf_token(self)]
        values[self.name("jours")] = ["7"]
        answer = self.url_open(action, data=[(k, v) for k, vs in values.items() for v in vs])
        self.assertEqual(answer.status_code, 404)
        submit = self.url_open(
            f"/demarches/brouillon/{draft.id}/envoyer",
            data={"csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(submit.status_code, 404)
        deleted = self.url_open(
            f"/my/brouillons/{draft.id}/supprimer",
            data={"csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(deleted.status_code, 404)
        self.assertTrue(draft.exists())
        self.assertEqual(draft.state, "draft")
        line = draft.value_ids.filtered(lambda v: v.field_id.key == "jours")
        self.assertFalse(line.value_number)

    def test_post_without_csrf_is_refused(self):
        step = self._to_restauration()
        answer = self.submit_form(
            step, "o_teleservice_step_form", {self.name("jours"): "4"}, drop=["csrf_token"]
        )
        self.assertEqual(answer.status_code, 400)
        line = self.draft_of(self.citizen_a.partner_id).value_ids.filtered(
            lambda v: v.field_id.key == "jours"
        )
        self.assertFalse(line.value_number)

    def _to_justificatifs(self):
        step = self._to_restauration()
        answer = self.submit_form(
            step, "o_teleservice_step_form", {self.name("allergie"): "no", self.name("jours"): "4"}
        )
        self.assertIn("/justificatifs", answer.url)
        return answer

    def test_justificatif_taken_from_the_household_then_submitted(self):
        page = self._to_justificatifs()
        self.assertIn("Facture d’eau", page.text)
        # The refused document is listed with the agent's comment, not selectable.
        self.assertIn("Document illisible, merci de le renvoyer.", page.text)
        self.assertNotIn(f'value="{self.refused_a.id}"', page.text)
        summary = self.submit_form(
            page,
            "o_teleservice_justificatifs_form",
            {f"jtype_{self.jtype.id}": str(self.document_a.id)},
        )
        self.assertEqual(summary.status_code, 200, summary.text[:2000])
        self.assertIn("/recapitulatif", summary.url)
        self.assertIn("École des Tests", summary.text)
        self.assertIn("Facture d’eau", summary.text)
        self.assertNotIn("Détail de l’allergie", summary.text)
        draft = self.draft_of(self.citizen_a.partner_id)
        self.assertEqual(draft.justificatif_ids, self.document_a)
        sent = self.submit_form(summary, "o_teleservice_submit_form")
        self.assertEqual(sent.status_code, 200, sent.text[:2000])
        self.assertIn(draft.name, sent.text)
        self.assertEqual(draft.state, "pending")
        self.assertTrue(draft.date_submitted)
        # Sent: no longer a draft one can change.
        self.assertEqual(self.url_open(f"/demarches/brouillon/{draft.id}/etape/0").status_code, 404)

    def test_justificatif_uploaded_checked_from_its_content(self):
        page = self._to_justificatifs()
        draft = self.draft_of(self.citizen_a.partner_id)
        Attachment = self.env["ir.attachment"]
        count = Attachment.search_count([])
        documents = self.env["collectivite.justificatif"].search_count([])
        refused = self.submit_form(
            page,
            "o_teleservice_justificatifs_form",
            {f"jtype_{self.jtype.id}": "new"},
            files=[(f"upload_{self.jtype.id}", ("facture.pdf", EXE, "application/pdf"))],
        )
        self.assertEqual(refused.status_code, 400)
        self.assertIn("interdit", refused.text)
        self.assertEqual(Attachment.search_count([]), count)
        self.assertEqual(self.env["collectivite.justificatif"].search_count([]), documents)
        self.env["ir.config_parameter"].set_param("teleservice_requests.max_file_size_mb", "1")
        big = self.submit_form(
            page,
            "o_teleservice_justificatifs_form",
            {f"jtype_{self.jtype.id}": "new"},
            files=[
                (f"upload_{self.jtype.id}", ("gros.pdf", PDF + b"0" * 1_200_000, "application/pdf"))
            ],
        )
        self.assertEqual(big.status_code, 400)
        self.assertIn("trop volumineux", big.text)
        self.assertEqual(Attachment.search_count([]), count)
        self.assertFalse(draft.justificatif_ids)
        accepted = self.submit_form(
            page,
            "o_teleservice_justificatifs_form",
            {f"jtype_{self.jtype.id}": "new"},
            files=[
                (f"upload_{self.jtype.id}", ("page1.pdf", PDF, "application/pdf")),
                (f"upload_{self.jtype.id}", ("page2.pdf", PDF, "application/pdf")),
            ],
        )
        self.assertIn("/recapitulatif", accepted.url)
        document = draft.justificatif_ids
        self.assertEqual(len(document), 1)
        self.assertEqual(document.page_count, 2)
        self.assertEqual(document.household_id, self.household_a)
        self.assertEqual(set(document.page_ids.mapped("mimetype")), {"application/pdf"})
        self.assertEqual(document.state, "pending")

    def test_drafts_list_and_home_counters(self):
        self._to_restauration()
        draft = self.draft_of(self.citizen_a.partner_id)
        page = self.url_open("/my/brouillons")
        self.assertEqual(page.status_code, 200)
        self.assertIn(draft.name, page.text)
        self.assertTrue(draft.date_draft_deletion)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["teleservice_request_count", "teleservice_draft_count"]}
        )
        self.assertEqual(counters, {"teleservice_request_count": 0, "teleservice_draft_count": 1})
        home = self.url_open("/my")
        self.assertIn("/my/brouillons", home.text)
        self.assertIn("/demarches", home.text)
        deleted = self.submit_form(page, "d-inline")
        self.assertEqual(deleted.status_code, 200)
        self.assertFalse(draft.exists())

    def test_json_rpc_cannot_write_a_draft(self):
        self._to_restauration()
        draft = self.draft_of(self.citizen_a.partner_id)
        line = draft.value_ids.filtered(lambda v: v.field_id.key == "jours")
        for model, method, args in (
            ("collectivite.request.value", "write", [line.ids, {"value_number": 9}]),
            ("collectivite.request", "action_submit", [draft.ids]),
            (
                "collectivite.request",
                "_portal_check_draft",
                [draft.ids, self.citizen_a.partner_id.id],
            ),
        ):
            with self.subTest(method=method):
                result = self.call_kw(model, method, args)
                self.assertIn("error", result)
        self.assertEqual(draft.state, "draft")
        self.assertFalse(line.value_number)

    def test_conditions_declared_by_the_manager_are_checked(self):
        detail, allergie = self.fields["detail"], self.fields["allergie"]
        with self.assertRaises(ValidationError):
            allergie.condition_field_id = detail  # a later field
        with self.assertRaises(ValidationError):
            detail.condition_field_id = self.fields["jours"]  # not a yes / no or choice field
        self.assertEqual(detail.condition_field_id, allergie)
        self.assertFalse(allergie.condition_field_id)
        shown = self.canteen.field_ids._visible_fields({allergie.id: False})
        self.assertNotIn(detail, shown)
        self.assertIn(detail, self.canteen.field_ids._visible_fields({allergie.id: True}))

    def test_another_household_document_cannot_be_linked(self):
        document_b = self.env["collectivite.justificatif"].create(
            {
                "name": "Facture de B",
                "type_id": self.jtype.id,
                "household_id": self.household_b.id,
                "page_ids": [
                    Command.create({"name": "b.pdf", "raw": PDF, "mimetype": "application/pdf"})
                ],
            }
        )
        document_b.action_validate()
        page = self._to_justificatifs()
        self.assertNotIn("Facture de B", page.text)
        for choice in (str(document_b.id), str(self.refused_a.id), "abc"):
            with self.subTest(choice=choice):
                answer = self.submit_form(
                    page, "o_teleservice_justificatifs_form", {f"jtype_{self.jtype.id}": choice}
                )
                self.assertEqual(answer.status_code, 400)
                self.assertIn("Choisissez l’un de vos documents", answer.text)
        draft = self.draft_of(self.citizen_a.partner_id)
        self.assertFalse(draft.justificatif_ids)
        self.assertFalse(document_b.request_ids)
