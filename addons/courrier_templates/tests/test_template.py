from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import VARIABLES, CourrierCommon, body_with

CODE_BODY = "<div><p><t t-out=\"object.env['res.users'].search([]).mapped('login')\"/></p></div>"


@tagged("post_install", "-at_install")
class TestLetterTemplate(CourrierCommon):
    def test_every_variable_renders_on_a_demo_request(self):
        """Each variable of the list gives a value on a validated demo request of
        the Martin household (a household, a requester with a login, a person
        concerned, a legal regime)."""
        demo = self.env.ref("household_accounts.household_martin", raise_if_not_found=False)
        self.assertTrue(demo, "make test installs the demo data this test reads")
        request = self.env["collectivite.request"].search(
            [("household_id", "=", demo.id), ("date_validated", "!=", False)], limit=1
        )
        self.assertTrue(request, "the demo has a validated request of the Martin household")
        request.teleservice_id.legal_regime = "acceptance"
        template = self.template.copy({"teleservice_ids": [(5,)]})
        agent = request.last_agent_id or self.env.ref("collectivite_base.user_agent")
        title, body = template.with_user(agent)._render_letter(request, "Rendez-vous le 3 mars.")[
            request.id
        ]
        self.assertEqual(title, f"Votre demande {request.name}")
        for expression in VARIABLES:
            with self.subTest(expression=expression):
                name = expression.split(".")[-1]
                self.assertRegex(str(body), rf"{name}=[^<]+<", f"{expression} is empty")
        self.assertIn("Rendez-vous le 3 mars.", body)
        self.assertIn(request.household_id.name, body)
        self.assertIn(agent.name, body)
        self.assertEqual(template._empty_placeholders(request, "Rendez-vous le 3 mars."), {})

    def test_empty_variable_is_named(self):
        request = self._request(subject_id=False)
        labels = self.template._empty_placeholders(request)[request.id]
        self.assertTrue(any(label.startswith("Personne concernée") for label in labels), labels)
        self.assertIn("Date de validation", labels)
        self.assertNotIn("Observation", labels, "an optional observation is left out silently")

    def test_label_and_body_required(self):
        Template = self.env["collectivite.letter.template"].with_user(self.manager)
        count = Template.search_count([])
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Template.create({"name": "Sans corps", "body_html": "<p><br></p>"})
        self.assertIn("corps", str(caught.exception))
        with self.assertRaises(Exception), self.env.cr.savepoint():  # noqa: B017 -- NOT NULL
            Template.create({"body_html": "<p>Bonjour</p>"})
        self.assertEqual(Template.search_count([]), count)

    def test_expression_that_does_not_render_is_refused(self):
        Template = self.env["collectivite.letter.template"].with_user(self.editor)
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Template.create(
                {"name": "Cassé", "body_html": '<p><t t-out="object.name.missing_method()"/></p>'}
            )
        message = str(caught.exception)
        self.assertIn("ne peut pas être rendu", message)
        self.assertIn("missing_method", message)
        self.assertFalse(Template.search([("name", "=", "Cassé")]))

    def test_manager_without_editor_right_cannot_save_code(self):
        Template = self.env["collectivite.letter.template"].with_user(self.manager)
        self.assertFalse(self.manager.has_group("mail.group_mail_template_editor"))
        # plain placeholders: allowed
        plain = Template.create({"name": "Simple", "body_html": body_with(*VARIABLES)})
        self.assertTrue(plain)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Template.create({"name": "Code", "body_html": CODE_BODY})
        self.assertFalse(Template.search([("name", "=", "Code")]))
        before = self.template.body_html
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.template.with_user(self.manager).write({"body_html": CODE_BODY})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.template.with_user(self.manager).write({"title": "{{ object.env.user.login }}"})
        self.template.invalidate_recordset()
        self.assertEqual(self.template.body_html, before)
        # the preview of unsaved code is not rendered for them either
        form_like = Template.new({"name": "Brouillon", "body_html": CODE_BODY})
        self.assertNotIn("ts_manager", str(form_like.preview_html))
        # an editor may
        self.assertTrue(
            self.env["collectivite.letter.template"]
            .with_user(self.editor)
            .create({"name": "Code", "body_html": CODE_BODY})
        )

    def test_preview_html(self):
        preview = str(self.template.with_user(self.manager).preview_html)
        self.assertIn(self.request.name, preview)
        self.assertIn("Testeuse", preview)

    def test_shipped_templates_render(self):
        for xmlid in (
            "letter_template_acknowledgement",
            "letter_template_missing_documents",
            "letter_template_refusal",
            "letter_template_attestation",
        ):
            with self.subTest(xmlid=xmlid):
                template = self.env.ref(f"courrier_templates.{xmlid}")
                title, body = template._render_letter(self.request, "Motif de test")[
                    self.request.id
                ]
                self.assertTrue(title)
                self.assertIn(self.request.name, body)
        ack = self.env.ref("courrier_templates.letter_template_acknowledgement")
        _title, body = ack._render_letter(self.request)[self.request.id]
        # the accusé de réception: received, service, implicit decision date and nature, appeal
        self.assertIn(self.request.letter_date_submitted, body)
        self.assertIn(self.category.name, body)
        self.assertIn(self.request.letter_date_legal_decision, body)
        self.assertIn("rejet", body)
        self.assertIn("deux mois", body)
        self.assertIn("tribunal administratif", body)

    def test_acknowledgement_without_implicit_decision(self):
        """A téléservice where silence makes no decision: the acknowledgement
        says nothing of an implicit decision (no sentence left with a blank
        date) nor of its appeal."""
        self.teleservice.legal_regime = "none"
        self.request.invalidate_recordset()
        self.assertFalse(self.request.letter_date_legal_decision)
        ack = self.env.ref("courrier_templates.letter_template_acknowledgement")
        _title, body = ack._render_letter(self.request)[self.request.id]
        self.assertIn(self.request.letter_date_submitted, body)
        self.assertNotIn("silence", body)
        self.assertNotIn("implicite", body)
