from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.courrier_templates.models.collectivite_letter import CollectiviteLetter

from .common import CourrierCommon, pdf_pages, pdf_text


class Killed(Exception):
    """The worker dying in the middle of a run."""


@tagged("post_install", "-at_install")
class TestMassSending(CourrierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requests = (
            cls.request | cls._request() | cls._request() | cls._request() | cls._request()
        )
        cls.template_plain = cls.env["collectivite.letter.template"].create(
            {
                "name": "Inscription validée (test)",
                "title": "Inscription {{ object.name }}",
                "body_html": '<p>Demande <t t-out="object.name"/> validée.</p>',
            }
        )

    def _batch(self, **values):
        return (
            self.env["collectivite.letter.batch"]
            .with_user(self.user_write)
            .create(
                dict(
                    {
                        "template_id": self.template_plain.id,
                        "means": "mail",
                        "request_ids": [(6, 0, self.requests.ids)],
                    },
                    **values,
                )
            )
        )

    def _run(self, batch_size=2):
        # the cron's own environment (superuser), as the runner calls it
        return self.env["collectivite.letter.batch"].sudo()._cron_send_letter_batches(batch_size)

    def _letters(self, batch):
        return self.env["collectivite.letter"].search([("batch_id", "=", batch.id)])

    def test_batches_split_one_pdf_per_request(self):
        batch = self._batch()
        batch.action_start()
        self.assertEqual(batch.state, "running")
        self.assertEqual(self._run(batch_size=2), 3)
        batch.invalidate_recordset()
        self.assertEqual(batch.letter_count, 2)
        self.assertEqual(batch.progress, 40.0)
        self.assertEqual(self._run(batch_size=2), 1)
        self.assertEqual(self._run(batch_size=2), 0)
        self.assertEqual(batch.state, "done")
        letters = self._letters(batch)
        self.assertEqual(letters.request_id, self.requests)
        self.assertEqual(len(letters), 5)
        for letter in letters:
            raw = letter.attachment_id.raw
            self.assertEqual(pdf_pages(raw), 1)
            text = pdf_text(raw)
            self.assertIn(f"Demande {letter.request_id.name} validée", text)
            others = (self.requests - letter.request_id).mapped("name")
            self.assertFalse([name for name in others if f"Demande {name} " in text])
            self.assertEqual(letter.attachment_id.res_id, letter.request_id.id)
            self.assertEqual(letter.author_id, self.user_write)

    def test_letters_of_several_pages_split_by_their_markers(self):
        long_template = self.env["collectivite.letter.template"].create(
            {
                "name": "Long (test)",
                "title": "Long {{ object.name }}",
                "body_html": "<div>%s</div>"
                % "".join(f'<p>Paragraphe {i} de <t t-out="object.name"/>.</p>' for i in range(90)),
            }
        )
        requests = self.requests[:3]
        letters = (
            self.env["collectivite.letter"]
            .with_user(self.user_write)
            ._send(requests.with_user(self.user_write), "mail", template=long_template)
        )
        self.assertEqual(letters.request_id, requests)
        for letter in letters:
            raw = letter.attachment_id.raw
            self.assertGreater(pdf_pages(raw), 1)
            text = pdf_text(raw)
            self.assertIn(f"Paragraphe 0 de {letter.request_id.name}.", text)
            self.assertIn(f"Paragraphe 89 de {letter.request_id.name}.", text)
            for other in requests - letter.request_id:
                self.assertNotIn(f"de {other.name}.", text)

    def test_rerun_never_sends_twice(self):
        batch = self._batch()
        batch.action_start()
        while self._run(batch_size=3):
            pass
        self.assertEqual(batch.state, "done")
        messages = self.env["mail.message"].search_count(
            [("model", "=", "collectivite.request"), ("res_id", "in", self.requests.ids)]
        )
        # started again, and the cron run again
        batch.action_start()
        self.assertEqual(self._run(), 0)
        self.assertEqual(self._run(), 0)
        self.assertEqual(len(self._letters(batch)), 5)
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("model", "=", "collectivite.request"), ("res_id", "in", self.requests.ids)]
            ),
            messages,
        )

    def test_killed_mid_way_then_rerun(self):
        batch = self._batch(means="email")
        batch.action_start()
        self.assertEqual(self._run(batch_size=2), 3)
        original = CollectiviteLetter._post_history

        def dying(letters):
            original(letters)
            raise Killed()

        # the second run dies after writing its letters: its transaction is rolled back
        with patch.object(CollectiviteLetter, "_post_history", dying):
            with self.assertRaises(Killed), self.env.cr.savepoint():
                self._run(batch_size=2)
        self.env.invalidate_all()
        self.assertEqual(len(self._letters(batch)), 2)
        while self._run(batch_size=2):
            pass
        letters = self._letters(batch)
        self.assertEqual(len(letters), 5)
        self.assertEqual(letters.request_id, self.requests)
        mails = self.env["mail.mail"].search([("mail_message_id", "in", letters.message_id.ids)])
        self.assertEqual(len(mails), 5)

    def test_start_refused_without_email(self):
        self.household.email = False
        batch = self._batch(means="email")
        with self.assertRaises(UserError) as caught:
            batch.action_start()
        self.assertIn("n’a pas d’adresse e-mail", str(caught.exception))
        self.assertEqual(batch.state, "draft")
        self.assertEqual(self._run(), 0)
        self.assertFalse(self._letters(batch))

    def test_empty_variables_named_before_sending(self):
        batch = self._batch(template_id=self.template.id)
        self.assertIn(self.request.name, batch.empty_variables)
        with self.assertRaises(UserError):
            batch.action_start()
        self.assertEqual(batch.state, "draft")
        batch.is_empty_confirmed = True
        batch.action_start()
        self.assertEqual(batch.state, "running")

    def test_agent_cannot_mark_done_by_write(self):
        batch = self._batch()
        batch.action_start()
        with self.assertRaises(UserError):
            batch.write({"state": "done"})
        self.assertEqual(batch.state, "running")
