"""The demo's history reads in French (issue #11): the mails, notes and letters its
stories wrote while the addons were installed, although Odoo loads a module's
translations after its demo data (each addon's demo/demo_translations.xml)."""

from odoo.tests import TransactionCase, tagged
from odoo.tools import html2plaintext

from odoo.addons.collectivite_base.tests.forms import ENGLISH

MODELS = ("collectivite.request", "collectivite.household", "helpdesk.ticket")


@tagged("post_install", "-at_install")
class TestDemoInFrench(TransactionCase):
    def setUp(self):
        super().setUp()
        module = self.env["ir.module.module"].search([("name", "=", "teleservice_requests")])
        self.assertTrue(module.demo, "make test installs the demo data these tests read")

    def _english(self, texts):
        return [text[:200] for text in texts if text and ENGLISH.search(text)]

    def test_demo_messages_are_french(self):
        messages = self.env["mail.message"].search(
            [("model", "in", MODELS), ("message_type", "!=", "user_notification")]
        )
        # OCA's own demo tickets (and their English mails) are archived, out of the demo
        archived = (
            self.env["helpdesk.ticket"]
            .with_context(active_test=False)
            .search([("active", "=", False)])
        )
        messages = messages.filtered(
            lambda m: not (m.model == "helpdesk.ticket" and m.res_id in archived.ids)
        )
        self.assertGreater(len(messages), 100)
        texts = [f"{m.subject or ''} {html2plaintext(m.body or '')}" for m in messages]
        self.assertFalse(self._english(texts))

    def test_demo_letters_are_french(self):
        letters = self.env["collectivite.letter"].search([])
        self.assertTrue(letters)
        texts = [
            f"{letter.title or ''} {html2plaintext(letter.body_html or '')}" for letter in letters
        ]
        self.assertFalse(self._english(texts))
