from odoo.tests import tagged

from .common import TeleserviceCommon


@tagged("post_install", "-at_install")
class TestReport(TeleserviceCommon):
    def test_request_pdf(self):
        request = self._request()
        report = self.env.ref("teleservice_requests.collectivite_request_report")
        pdf, content_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, request.ids)
        )
        self.assertEqual(content_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = self.env["ir.actions.report"]._render_qweb_html(report.report_name, request.ids)[0]
        self.assertIn(request.name.encode(), html)
        self.assertIn(b"Cantine (test)", html)
        action = request.with_user(self.user_read).action_print()
        self.assertEqual(action["type"], "ir.actions.report")

    def test_help_texts_next_to_values(self):
        child = self.teleservice.field_ids.filtered(lambda f: f.key == "child")
        child.write(
            {"help_text": "Nom et prénom de l’enfant inscrit", "section": "Identité de l’enfant"}
        )
        request = self._request()
        line = request.value_ids.filtered(lambda v: v.field_id == child)
        self.assertEqual(
            line.with_user(self.user_read).help_text, "Nom et prénom de l’enfant inscrit"
        )
        # back office: a column next to the value in the request's form
        arch = (
            self.env["collectivite.request"]
            .with_user(self.user_read)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="help_text"', arch)
        # PDF: under the value, the section above its fields
        report = self.env.ref("teleservice_requests.collectivite_request_report")
        html = self.env["ir.actions.report"]._render_qweb_html(report.report_name, request.ids)[0]
        html = html.decode()
        self.assertIn("Nom et prénom de l’enfant inscrit", html)
        self.assertLess(html.index("Identité de l’enfant"), html.index("Nom et prénom de l’enfant"))
