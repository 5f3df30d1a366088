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
