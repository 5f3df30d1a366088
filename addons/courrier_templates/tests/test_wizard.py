from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CourrierCommon, pdf_text


@tagged("post_install", "-at_install")
class TestContactWizard(CourrierCommon):
    def _wizard(self, user=None, **values):
        user = user or self.user_write
        form = Form(
            self.env["collectivite.letter.wizard"]
            .with_user(user)
            .with_context(default_request_id=self.request.id)
        )
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def _history(self):
        return self.env["mail.message"].search(
            [("model", "=", "collectivite.request"), ("res_id", "=", self.request.id)]
        )

    def test_default_means_is_the_household_preference(self):
        self.assertEqual(self._wizard().means, "mail")
        self.household.contact_channel = "sms"
        self.assertEqual(self._wizard().means, "sms")

    def test_email(self):
        form = self._wizard(means="email", template_id=self.template, text="Pièce reçue.")
        self.assertIn(self.request.name, form.preview_html)
        self.assertEqual(form.recipient, "foyer.testeuse@example.org")
        form.is_empty_confirmed = True
        form.save().action_send()
        letter = self.request.letter_ids
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.means, "email")
        self.assertEqual(letter.author_id, self.user_write)
        self.assertEqual(letter.template_id, self.template)
        self.assertIn("Pièce reçue.", letter.body_html)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", letter.message_id.id)])
        self.assertEqual(mail.email_to, "foyer.testeuse@example.org")
        self.assertIn("Pièce reçue.", mail.body_html)
        self.assertEqual(mail.attachment_ids, letter.attachment_id)
        self.assertEqual(letter.attachment_id.mimetype, "application/pdf")
        self.assertEqual(letter.message_id.attachment_ids, letter.attachment_id)
        self.assertEqual(letter.message_id.author_id, self.user_write.partner_id)
        self.assertEqual(
            letter.message_id.subtype_id, self.env.ref("courrier_templates.mail_subtype_letter")
        )
        self.assertIn(self.request.name, pdf_text(letter.attachment_id.raw))

    def test_postal_mail_and_counter_give_the_pdf(self):
        for means in ("mail", "counter"):
            with self.subTest(means=means):
                form = self._wizard(means=means, template_id=self.template, is_empty_confirmed=True)
                action = form.save().action_send()
                letter = self.request.letter_ids.filtered(lambda letter, m=means: letter.means == m)
                self.assertEqual(len(letter), 1)
                self.assertEqual(
                    action["url"], f"/web/content/{letter.attachment_id.id}?download=true"
                )
                self.assertEqual(letter.attachment_id.res_model, "collectivite.request")
                self.assertEqual(letter.attachment_id.res_id, self.request.id)
                self.assertIn(letter.message_id, self._history())
        self.assertFalse(
            self.env["mail.mail"].search(
                [("mail_message_id", "in", self.request.letter_ids.message_id.ids)]
            )
        )

    def test_sms_goes_through_odoo_sms_stack(self):
        # production: not captured (the demo data capture them)
        self.env["ir.config_parameter"].set_param("courrier_templates.sms_capture", "0")
        form = self._wizard(means="sms", text="Votre dossier est complet.")
        self.assertFalse(form.is_letter)
        form.save().action_send()
        letter = self.request.letter_ids
        self.assertEqual(letter.means, "sms")
        sms = self.env["sms.sms"].search([("mail_message_id", "=", letter.message_id.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+33612345678")
        self.assertEqual(sms.body, "Votre dossier est complet.")
        # queued in Odoo's SMS stack, sent by its queue (never from here)
        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(letter.message_id.message_type, "sms")

    def test_sms_captured_when_the_platform_says_so(self):
        self.env["ir.config_parameter"].set_param("courrier_templates.sms_capture", "1")
        self._wizard(means="sms", text="Capturé.").save().action_send()
        sms = self.env["sms.sms"].search(
            [("mail_message_id", "=", self.request.letter_ids.message_id.id)]
        )
        self.assertEqual(sms.state, "canceled")

    def test_phone_records_the_summary_as_internal_note(self):
        self._wizard(
            means="phone", text="Usager rappelé, dossier expliqué.", internal_note="Très pressé"
        ).save().action_send()
        letter = self.request.letter_ids
        self.assertEqual(letter.means, "phone")
        self.assertIn("Usager rappelé", letter.message_id.body)
        self.assertEqual(letter.message_id.subtype_id, self.env.ref("mail.mt_note"))
        notes = self._history().filtered(lambda m: "Très pressé" in (m.body or ""))
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))

    def test_email_without_address_sends_nothing(self):
        self.household.email = False
        before = self._history()
        wizard = self._wizard(
            means="email", template_id=self.template, is_empty_confirmed=True
        ).save()
        with self.assertRaises(UserError) as caught:
            wizard.action_send()
        self.assertIn("n’a pas d’adresse e-mail", str(caught.exception))
        self.assertFalse(self.request.letter_ids)
        self.assertEqual(self._history(), before)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "collectivite.request"),
                    ("res_id", "=", self.request.id),
                    ("mimetype", "=", "application/pdf"),
                ]
            )
        )

    def test_sms_without_mobile_sends_nothing(self):
        self.household.mobile = False
        before = self._history()
        wizard = self._wizard(means="sms", text="Bonjour").save()
        with self.assertRaises(UserError) as caught:
            wizard.action_send()
        self.assertIn("n’a pas de numéro de mobile", str(caught.exception))
        self.assertFalse(self.request.letter_ids)
        self.assertFalse(self.env["sms.sms"].search([("body", "=", "Bonjour")]))
        self.assertEqual(self._history(), before)

    def test_empty_variable_asks_to_continue_or_cancel(self):
        request = self._request(subject_id=False)
        form = Form(
            self.env["collectivite.letter.wizard"]
            .with_user(self.user_write)
            .with_context(default_request_id=request.id)
        )
        form.means = "mail"
        form.template_id = self.template
        self.assertIn("Personne concernée", form.empty_variables)
        wizard = form.save()
        with self.assertRaises(UserError) as caught:
            wizard.action_send()
        self.assertIn("Personne concernée", str(caught.exception))
        self.assertFalse(request.letter_ids)
        wizard.is_empty_confirmed = True
        wizard.action_send()
        self.assertEqual(len(request.letter_ids), 1)

    def test_agent_with_read_right_cannot_contact(self):
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            self.request.with_user(self.user_read).action_contact_citizen()
        with self.assertRaises(AccessError):
            self.env["collectivite.letter"].with_user(self.user_read)._send(
                self.request.with_user(self.user_read), "phone", text="x"
            )
        self.assertFalse(self.request.letter_ids)
