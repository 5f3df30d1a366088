"""The demo tells its requests on their own dates: a request received weeks
ago has its accusé de réception dated that day, saying that day and the
answer expected the request shows, and no message before its submission."""

from odoo.tests import TransactionCase, tagged
from odoo.tools import format_date


@tagged("post_install", "-at_install")
class TestDemoStories(TransactionCase):
    def test_past_requests_have_a_past_history(self):
        demo = self.env.ref("household_accounts.household_martin", raise_if_not_found=False)
        self.assertTrue(demo, "make test installs the demo data this test reads")
        requests = self.env["collectivite.request"].search(
            [("date_submitted", "<", "2026-11-25"), ("requester_id.lang", "=", "fr_FR")]
        )
        self.assertGreater(len(requests), 10)
        for request in requests:
            with self.subTest(request=request.name):
                messages = request.message_ids
                self.assertGreaterEqual(min(messages.mapped("date")), request.date_submitted)
                acknowledgement = messages.filtered(
                    lambda m: (
                        (m.subject or "").startswith("Accusé de réception")
                        and m.message_type == "notification"
                    )
                )
                self.assertEqual(len(acknowledgement), 1)
                self.assertEqual(acknowledgement.date.date(), request.date_submitted.date())
                self.assertEqual(request.date_acknowledged.date(), request.date_submitted.date())
                body = str(acknowledgement.body)
                self.assertIn(
                    format_date(self.env, request.date_submitted, lang_code="fr_FR"), body
                )
