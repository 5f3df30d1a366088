import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import TeleserviceCommon

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@tagged("post_install", "-at_install")
class TestJustificatif(TeleserviceCommon):
    def _attachment(self, name, raw, mimetype):
        return (
            self.env["ir.attachment"]
            .with_user(self.user_write)
            .create({"name": name, "datas": base64.b64encode(raw), "mimetype": mimetype})
        )

    def test_life_cycle(self):
        request = self._request()
        justificatif = self._justificatif(request).with_user(self.user_write)
        justificatif.action_validate()
        self.assertEqual(justificatif.state, "validated")
        self.assertEqual(justificatif.validator_id, self.user_write)
        # validity from the type: 3 months
        self.assertEqual(
            justificatif.date_valid_until.month,
            (fields.Date.today().replace(day=1) + timedelta(days=95)).month,
        )
        with self.assertRaises(UserError):
            justificatif.action_refuse()
        self.assertEqual(justificatif.state, "validated")
        justificatif.action_reset()
        justificatif.action_refuse()
        self.assertEqual(justificatif.state, "refused")
        with self.assertRaises(UserError):
            justificatif.action_validate()
        with self.assertRaises(UserError):
            justificatif.action_expire()
        self.assertEqual(justificatif.state, "refused")
        self.env.cr.precommit.run()
        justificatif.invalidate_recordset(["message_ids"])
        self.assertTrue(
            justificatif.sudo().message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "state"
            )
        )

    def test_every_transition(self):
        actions = {
            "validated": "action_validate",
            "refused": "action_refuse",
            "expired": "action_expire",
            "pending": "action_reset",
        }
        paths = {
            "pending": [],
            "validated": ["validated"],
            "refused": ["refused"],
            "expired": ["validated", "expired"],
        }
        moves = self.env["collectivite.justificatif"]._state_moves["state"]
        request = self._request()
        for source, path in paths.items():
            for target, action in actions.items():
                if target == source:
                    continue
                with self.subTest(source=source, target=target):
                    justificatif = self._justificatif(request).with_user(self.user_write)
                    for step in path:
                        getattr(justificatif, actions[step])()
                    self.assertEqual(justificatif.state, source)
                    if (source, target) in moves:
                        getattr(justificatif, action)()
                        self.assertEqual(justificatif.state, target)
                    else:
                        with self.assertRaises(UserError):
                            getattr(justificatif, action)()
                        self.assertEqual(justificatif.state, source)

    def test_expired_cannot_be_validated(self):
        request = self._request()
        justificatif = self._justificatif(
            request, date_valid_until=fields.Date.today() - timedelta(days=1)
        )
        with self.assertRaisesRegex(UserError, "périmé"):
            justificatif.action_validate()
        self.assertEqual(justificatif.state, "pending")

    def _flush_tracking(self):
        """Post the tracking messages, as a commit would."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()

    def test_expiry_cron_twice(self):
        request = self._request()
        justificatif = self._justificatif(request)
        justificatif.action_validate()
        justificatif.date_valid_until = fields.Date.today() - timedelta(days=1)
        still_valid = self._justificatif(request, name="Pièce d'identité")
        still_valid.action_validate()
        self._flush_tracking()
        Justificatif = self.env["collectivite.justificatif"]
        self.assertEqual(Justificatif._cron_expire(), 0)
        self.assertEqual(justificatif.state, "expired")
        self.assertEqual(still_valid.state, "validated")
        self._flush_tracking()
        system = self.env.ref("collectivite_base.partner_system")
        expiry = justificatif.message_ids.filtered("tracking_value_ids")[:1]
        self.assertEqual(expiry.author_id, system)
        self.assertEqual(expiry.tracking_value_ids.new_value_char, "Périmé")
        self.assertNotEqual(still_valid.message_ids.author_id, system)
        # the request's history says so too, authored by the system
        on_request = request.message_ids.filtered(lambda m: "Périmé" in m.body)
        self.assertEqual(len(on_request), 1)
        self.assertEqual(on_request.author_id, system)
        messages = len(justificatif.message_ids)
        self.assertEqual(Justificatif._cron_expire(), 0)
        self.assertEqual(len(justificatif.message_ids), messages)

    def test_household_document_reused(self):
        first = self._request()
        justificatif = self._justificatif(first)
        second = self._request()
        second.justificatif_ids = [Command.link(justificatif.id)]
        justificatif.action_validate()
        self.assertFalse(first.missing_justificatif_type_ids)
        self.assertFalse(second.missing_justificatif_type_ids)
        first.with_user(self.user_write).justificatif_ids = [Command.unlink(justificatif.id)]
        self.assertTrue(justificatif.exists())
        self.assertIn(justificatif, self.household.justificatif_ids)
        self.assertEqual(justificatif.request_ids, second)

    def test_upload_checks(self):
        request = self._request()
        justificatif = self._justificatif(request, page_ids=[]).with_user(self.user_write)
        pdf = self._attachment("facture.pdf", PDF, "application/pdf")
        justificatif.write(
            {"page_ids": [Command.link(pdf.id)], "comment": "Page ajoutée au guichet"}
        )
        self.assertEqual(justificatif.page_count, 1)
        exe = self._attachment("virus.exe", b"MZ\x90\x00", "application/x-msdownload")
        with self.assertRaisesRegex(ValidationError, "type interdit"), self.cr.savepoint():
            justificatif.write({"page_ids": [Command.link(exe.id)]})
        justificatif.invalidate_recordset()
        self.env["ir.config_parameter"].set_param(
            "teleservice_requests.max_file_size_mb", "0.00001"
        )
        big = self._attachment("gros.pdf", PDF * 10, "application/pdf")
        with self.assertRaisesRegex(ValidationError, "trop volumineux"), self.cr.savepoint():
            justificatif.write({"page_ids": [Command.link(big.id)]})
        justificatif.invalidate_recordset()
        self.assertEqual(justificatif.page_ids, pdf)
