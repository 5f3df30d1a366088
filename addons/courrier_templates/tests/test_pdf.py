from odoo.tests import HttpCase, tagged

from .common import CourrierCommon, pdf_text

REPORT_URL = '/report/pdf/%s/%s?context={"force_report_rendering": true}'


@tagged("post_install", "-at_install")
class TestLetterPdf(HttpCase, CourrierCommon):
    """Real wkhtmltopdf output, read back with pdftotext."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"phone": "01 34 43 34 43", "email": "mairie@example.org"})
        cls.letter = (
            cls.env["collectivite.letter"]
            .with_user(cls.user_write)
            ._send(
                cls.request.with_user(cls.user_write),
                "mail",
                template=cls.template.with_user(cls.user_write),
                text="Observation de test",
            )
        )

    def _assert_letter_text(self, text):
        # the letterhead: the collectivité's identity
        for value in (self.company.name, "2 rue Victor Hugo", "95300 Pontoise", "01 34 43 34 43"):
            self.assertIn(value, text)
        # the values of the request
        for value in (
            self.request.name,
            "Camille Testeuse",
            "3 rue de la Paix",
            "Observation de test",
            self.household.name,
            self.request.letter_date_submitted,
            self.request.letter_date_legal_decision,
            "Agent Modif",
        ):
            self.assertIn(value, text)

    def test_stored_pdf_text(self):
        raw = self.letter.attachment_id.raw
        self.assertTrue(raw.startswith(b"%PDF"))
        text = pdf_text(raw)
        self._assert_letter_text(text)
        self.assertIn("Madame", text)

    def test_report_fetched_as_the_web_client_does(self):
        self.authenticate("ts_write", "ts_write")
        response = self.url_open(
            REPORT_URL % ("courrier_templates.collectivite_letter_report", self.letter.id),
            timeout=120,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self._assert_letter_text(pdf_text(response.content))

    def test_template_preview_pdf(self):
        self.authenticate("ts_manager", "ts_manager")
        self.template.sample_request_id = self.request
        action = self.template.with_user(self.manager).action_preview_pdf()
        self.assertEqual(
            action["report_name"], "courrier_templates.collectivite_letter_template_document"
        )
        response = self.url_open(
            REPORT_URL % (action["report_name"], self.template.id), timeout=120
        )
        self.assertEqual(response.status_code, 200)
        text = pdf_text(response.content)
        self.assertIn(self.request.name, text)
        self.assertIn(self.company.name, text)

    def test_other_agent_cannot_fetch_the_letter(self):
        self.authenticate("ts_none", "ts_none")
        response = self.url_open(
            REPORT_URL % ("courrier_templates.collectivite_letter_report", self.letter.id),
            timeout=120,
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"%PDF", response.content[:10])
