from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.tests.common import JsonRpcMixin

from .common import CourrierCommon, body_with

CODE_BODY = "<div><p><t t-out=\"object.env['res.users'].search([]).mapped('login')\"/></p></div>"


@tagged("post_install", "-at_install")
class TestCourrierOutside(HttpCase, JsonRpcMixin, CourrierCommon):
    """The rules from the outside, as JSON-RPC clients."""

    def test_manager_without_editor_right_cannot_save_code(self):
        self.authenticate("ts_manager", "ts_manager")
        before = self.template.body_html
        answer = self.call_kw(
            "collectivite.letter.template", "write", [self.template.ids, {"body_html": CODE_BODY}]
        )
        self.assertEqual(self.rpc_error(answer)[0], "odoo.exceptions.AccessError")
        answer = self.call_kw(
            "collectivite.letter.template", "create", [{"name": "Code", "body_html": CODE_BODY}]
        )
        self.assertEqual(self.rpc_error(answer)[0], "odoo.exceptions.AccessError")
        self.template.invalidate_recordset()
        self.assertEqual(self.template.body_html, before)
        self.assertFalse(self.env["collectivite.letter.template"].search([("name", "=", "Code")]))
        # plain placeholders are fine
        answer = self.call_kw(
            "collectivite.letter.template",
            "create",
            [{"name": "Simple", "body_html": body_with("object.name", "object.letter_date_today")}],
        )
        self.assertIn("result", answer, answer)

    def test_agent_cannot_write_history_by_hand(self):
        self.authenticate("ts_write", "ts_write")
        answer = self.call_kw(
            "collectivite.letter",
            "create",
            [{"request_id": self.request.id, "means": "mail", "body_html": "<p>faux</p>"}],
        )
        self.assertIn(
            self.rpc_error(answer)[0], ("odoo.exceptions.AccessError", "odoo.exceptions.UserError")
        )
        self.assertFalse(
            self.env["collectivite.letter"].search([("request_id", "=", self.request.id)])
        )
        answer = self.call_kw(
            "collectivite.letter", "_send", [[self.request.id], "phone"], {"text": "x"}
        )
        self.assertIn("error", answer)
        self.assertFalse(
            self.env["collectivite.letter"].search([("request_id", "=", self.request.id)])
        )

    def test_agent_sends_through_the_wizard(self):
        self.authenticate("ts_write", "ts_write")
        answer = self.call_kw(
            "collectivite.letter.wizard",
            "create",
            [{"request_id": self.request.id, "means": "phone", "text": "Appel passé"}],
        )
        wizard_id = answer["result"]
        answer = self.call_kw("collectivite.letter.wizard", "action_send", [[wizard_id]])
        self.assertIn("result", answer, answer)
        letter = self.env["collectivite.letter"].search([("request_id", "=", self.request.id)])
        self.assertEqual(letter.author_id, self.user_write)

    def test_agent_without_right_cannot_send(self):
        self.authenticate("ts_read", "ts_read")
        answer = self.call_kw(
            "collectivite.letter.wizard",
            "create",
            [{"request_id": self.request.id, "means": "phone", "text": "Appel passé"}],
        )
        if "result" in answer:
            answer = self.call_kw("collectivite.letter.wizard", "action_send", [[answer["result"]]])
        self.assertEqual(self.rpc_error(answer)[0], "odoo.exceptions.AccessError")
        self.assertFalse(
            self.env["collectivite.letter"].search([("request_id", "=", self.request.id)])
        )
