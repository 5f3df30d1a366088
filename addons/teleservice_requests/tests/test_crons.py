import base64
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import TeleserviceCommon


@tagged("post_install", "-at_install")
class TestCrons(TeleserviceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["collectivite.request"]
        # Flush what the demo or earlier setup left to notify.
        cls.Request.search([]).write({"is_new_notified": True, "qos_notified_level": "late"})

    def _system_notes(self, record):
        system = self.env.ref("collectivite_base.partner_system")
        return record.message_ids.filtered(lambda m: m.author_id == system)

    def _mails_to(self, user):
        return self.env["mail.mail"].search([("recipient_ids", "in", user.partner_id.ids)])

    def _messages_to(self, user, template_subject):
        return self.env["mail.message"].search(
            [("partner_ids", "in", user.partner_id.ids), ("subject", "ilike", template_subject)]
        )

    def test_new_request_mail_once(self):
        request = self._request()
        self.assertEqual(self.Request._cron_notify_new_requests(), 0)
        sent = self._messages_to(self.user_write, request.name)
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.author_id, self.env.ref("collectivite_base.partner_system"))
        self.assertFalse(self._messages_to(self.user_read, request.name))
        self.assertFalse(self._messages_to(self.user_none, request.name))
        self.assertEqual(self.Request._cron_notify_new_requests(), 0)
        self.assertEqual(len(self._messages_to(self.user_write, request.name)), 1)

    def test_qos_digest_never_twice(self):
        late = self._request()
        late.date_submitted = fields.Datetime.now() - timedelta(days=30)
        urgent = self._request()
        self._force(urgent, date_qos_alert=fields.Datetime.now() - timedelta(hours=1))
        self.Request._cron_update_qos()
        self.assertEqual(self.Request._cron_qos_digest(), 0)
        mails = self._mails_to(self.user_write)
        self.assertEqual(len(mails), 1)
        self.assertIn(late.name, mails.body_html)
        self.assertIn(urgent.name, mails.body_html)
        self.assertFalse(self._mails_to(self.user_read))
        self.assertEqual(late.qos_notified_level, "late")
        self.assertEqual(urgent.qos_notified_level, "urgent")
        # the flags are in the history, authored by the system, once
        self.assertEqual(len(self._system_notes(late)), 1)
        self.assertEqual(len(self._system_notes(urgent)), 1)
        self.assertEqual(self._system_notes(late).subtype_id, self.env.ref("mail.mt_note"))
        self.assertTrue(self._system_notes(late).is_internal)
        self.Request._cron_update_qos()
        self.assertEqual(len(self._system_notes(late)), 1)
        self.assertEqual(len(self._system_notes(urgent)), 1)
        self.assertEqual(self.Request._cron_qos_digest(), 0)
        self.assertEqual(len(self._mails_to(self.user_write)), 1)
        # the urgent one becomes late: one more mail, then nothing
        self._force(urgent, date_qos_deadline=fields.Datetime.now() - timedelta(minutes=1))
        self.Request._cron_update_qos()
        self.Request._cron_qos_digest()
        self.Request._cron_qos_digest()
        self.assertEqual(len(self._mails_to(self.user_write)), 2)
        self.assertEqual(len(self._system_notes(urgent)), 2)

    def test_qos_digest_summary(self):
        self.env["ir.config_parameter"].set_param("teleservice_requests.qos_digest_mode", "summary")
        late = self._request()
        late.date_submitted = fields.Datetime.now() - timedelta(days=30)
        self.Request._cron_update_qos()
        self.Request._cron_qos_digest()
        mail = self._mails_to(self.user_write)
        self.assertEqual(len(mail), 1)
        self.assertNotIn(late.name, mail.body_html)

    def test_draft_purge_with_notice(self):
        old = self._request(submit=False)
        recent = self._request(submit=False)
        self.env.cr.execute(
            "UPDATE collectivite_request SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=27), old.id),
        )
        old.invalidate_recordset()
        self.Request._cron_purge_drafts()
        self.assertTrue(old.date_draft_notice)
        self.assertFalse(recent.date_draft_notice)
        notices = old.message_ids.filtered(lambda m: self.citizen.partner_id in m.partner_ids)
        self.assertEqual(len(notices), 1)
        self.assertEqual(notices.author_id, self.env.ref("collectivite_base.partner_system"))
        self.Request._cron_purge_drafts()
        self.assertEqual(
            len(old.message_ids.filtered(lambda m: self.citizen.partner_id in m.partner_ids)), 1
        )
        self.assertTrue(old.exists())
        # retention elapsed and notice given long enough ago: deleted
        self.env.cr.execute(
            "UPDATE collectivite_request SET create_date = %s, date_draft_notice = %s "
            "WHERE id = %s",
            (
                fields.Datetime.now() - timedelta(days=31),
                fields.Datetime.now() - timedelta(days=6),
                old.id,
            ),
        )
        old.invalidate_recordset()
        self.assertEqual(self.Request._cron_purge_drafts(), 0)
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    def test_anonymisation_leaves_nothing_personal(self):
        request = self._request()
        self._justificatif(request).action_validate()
        request.with_user(self.user_write)._post_citizen_note("Bonjour Camille Testeuse")
        request.with_user(self.user_write)._post_internal_note("Léo Testeur, rue de la Paix")
        self.env["ir.attachment"].create(
            {
                "name": "photo-camille.png",
                "datas": base64.b64encode(b"x"),
                "res_model": request._name,
                "res_id": request.id,
            }
        )
        request.action_validate_data()
        for action in (
            "action_start",
            "action_mark_complete",
            "action_validate",
            "action_notify",
            "action_close",
        ):
            getattr(request, action)()
        kept = (
            request.name,
            request.teleservice_id.id,
            request.date_submitted,
            request.date_qos_deadline,
        )
        request.date_closed = fields.Datetime.now() - timedelta(days=31 * 13)
        self.teleservice.retention_months = 12
        recent = self._request()
        self.assertEqual(self.Request._cron_anonymize(), 0)
        self.assertEqual(self.Request._cron_anonymize(), 0)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """SELECT name, teleservice_id, date_submitted, date_qos_deadline, state,
                      requester_id, subject_id, household_id, requester_name, subject_name,
                      comment, is_anonymized
                 FROM collectivite_request WHERE id = %s""",
            (request.id,),
        )
        row = cr.fetchone()
        self.assertEqual(row[:4], kept)
        self.assertEqual(row[4], "closed")
        self.assertEqual(row[5:11], (None,) * 6)
        self.assertTrue(row[11])
        # only the system's note remains in the history, with nothing personal
        system = self.env.ref("collectivite_base.partner_system")
        cr.execute(
            "SELECT author_id, body FROM mail_message WHERE model = %s AND res_id = %s",
            (request._name, request.id),
        )
        rows = cr.fetchall()
        self.assertEqual([row[0] for row in rows], [system.id])
        self.assertNotIn("Testeu", rows[0][1])
        for table, column, model_column in (
            ("mail_followers", "res_id", "res_model"),
            ("ir_attachment", "res_id", "res_model"),
            ("mail_activity", "res_id", "res_model"),
        ):
            cr.execute(
                f"SELECT count(*) FROM {table} WHERE {column} = %s AND {model_column} = %s",  # noqa: S608
                (request.id, request._name),
            )
            self.assertEqual(cr.fetchone()[0], 0, table)
        cr.execute(
            "SELECT count(*) FROM collectivite_request_value WHERE request_id = %s", (request.id,)
        )
        self.assertEqual(cr.fetchone()[0], 0)
        cr.execute(
            "SELECT count(*) FROM collectivite_request_justificatif_rel WHERE request_id = %s",
            (request.id,),
        )
        self.assertEqual(cr.fetchone()[0], 0)
        # nothing of the citizen's name left anywhere about this request
        cr.execute(
            """SELECT count(*) FROM mail_tracking_value t
                 JOIN mail_message m ON m.id = t.mail_message_id
                WHERE m.model = %s AND m.res_id = %s""",
            (request._name, request.id),
        )
        self.assertEqual(cr.fetchone()[0], 0)
        cr.execute(
            "SELECT count(*) FROM collectivite_request r "
            "WHERE id = %s AND row_to_json(r)::text ILIKE %s",
            (request.id, "%Testeu%"),
        )
        self.assertEqual(cr.fetchone()[0], 0)
        self.assertFalse(recent.is_anonymized)
        self.assertEqual(recent.requester_id, self.citizen.partner_id)
