"""Issue 9, integrity: files deleted only by their owner, justificatifs purged
after their own retention, a setting that stays off, the notification cron on
a partial index."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools import SQL, convert_file

from .common import TeleserviceCommon

PDF = b"%PDF-1.4\n% test\n"
NOTIFY_PARAM = "teleservice_requests.notify_new_request"


@tagged("post_install", "-at_install")
class TestIntegrity(TeleserviceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["collectivite.request"]
        cls.Request.search([]).write({"is_new_notified": True})
        cls.file_field = cls.env["collectivite.form.field"].create(
            {
                "teleservice_id": cls.teleservice.id,
                "key": "certificat",
                "name": "Certificat",
                "field_type": "file",
            }
        )

    def _pdf(self, name, **values):
        return self.env["ir.attachment"].create(
            dict({"name": name, "raw": PDF, "mimetype": "application/pdf"}, **values)
        )

    def _mailed(self, user, request):
        return self.env["mail.message"].search(
            [("partner_ids", "in", user.partner_id.ids), ("subject", "ilike", request.name)]
        )

    def _close(self, request):
        request.justificatif_ids.action_validate()
        request.action_validate_data()
        for action in (
            "action_start",
            "action_mark_complete",
            "action_validate",
            "action_notify",
            "action_close",
        ):
            getattr(request, action)()

    # ------------------------------------------------------- anonymisation
    def test_anonymisation_deletes_only_the_request_files(self):
        request = self._request()
        justificatif = self._justificatif(request, page_ids=[])
        page = self._pdf("page.pdf")
        justificatif.page_ids = [Command.link(page.id)]
        partner_file = self._pdf(
            "contrat.pdf", res_model="res.partner", res_id=self.citizen.partner_id.id
        )
        own = self._pdf("certificat.pdf")
        self.env["collectivite.request.value"]._set_raw_values(request, {"certificat": own.id})
        # the form's file is the request's own
        self.assertEqual((own.res_model, own.res_id), (request._name, request.id))
        line = request.value_ids.filtered(lambda v: v.field_id == self.file_field)
        # an agent cannot point a form's file at another record's attachment
        for foreign in (page, partner_file):
            with self.subTest(file=foreign.name), self.assertRaises(ValidationError):
                request.with_user(self.user_write).write(
                    {"value_ids": [Command.update(line.id, {"value_attachment_id": foreign.id})]}
                )
            self.assertEqual(line.value_attachment_id, own)
            self.assertNotEqual(foreign.res_model, request._name)
        # a reference left by older code to a justificatif's page
        other_line = request.value_ids.filtered(lambda v: v.field_id.key == "days")
        self._force(other_line, value_attachment_id=page.id)
        self._close(request)
        request.date_closed = fields.Datetime.now() - timedelta(days=31 * 25)
        self.assertEqual(self.Request._cron_anonymize(), 0)
        self.assertTrue(request.is_anonymized)
        self.assertFalse(own.exists())
        self.assertTrue(page.exists())
        self.assertTrue(partner_file.exists())
        self.assertTrue(justificatif.exists())
        self.assertEqual(justificatif.page_ids, page)

    # -------------------------------------------------------- collectivités
    def test_types_and_lists_stay_in_their_collectivite(self):
        cergy = self.env.ref("collectivite_base.company_cergy")
        category = self.env["collectivite.category"].create(
            {"name": "Cergy (test)", "company_id": cergy.id}
        )
        Teleservice = self.env["collectivite.teleservice"]
        with self.assertRaises(UserError):
            Teleservice.create(
                {
                    "name": "Cantine Cergy",
                    "code": "test_cantine_cergy",
                    "category_id": category.id,
                    "justificatif_type_ids": [Command.set(self.jtype_address.ids)],
                }
            )
        teleservice = Teleservice.create(
            {"name": "Cantine Cergy", "code": "test_cantine_cergy", "category_id": category.id}
        )
        with self.assertRaises(ValidationError):
            self.env["collectivite.form.field"].create(
                {
                    "teleservice_id": teleservice.id,
                    "key": "diet",
                    "name": "Régime",
                    "field_type": "choice",
                    "parameter_list_id": self.diet.id,
                }
            )
        self.assertFalse(teleservice.field_ids)
        # the same code in another collectivité is another list
        other = self.env["collectivite.parameter.list"].create(
            {"name": "Régimes Cergy", "code": self.diet.code, "company_id": cergy.id}
        )
        self.assertEqual(other.company_id, cergy)

    # ----------------------------------------------------------- retention
    def test_justificatifs_purged_after_their_retention(self):
        self.jtype_address.retention_months = 6
        closed = self._request()
        old = self._justificatif(closed, name="Ancienne facture")
        old_page = self._pdf("facture.pdf")
        old.page_ids = [Command.link(old_page.id)]
        self._close(closed)
        in_use = self._justificatif(self._request(), name="Facture en cours")
        # on no request: only its retention keeps it
        recent = self.env["collectivite.justificatif"].create(
            {"name": "Facture récente", "type_id": self.jtype_address.id}
        )
        partner_file = self._pdf(
            "contrat.pdf", res_model="res.partner", res_id=self.citizen.partner_id.id
        )
        long_ago = fields.Datetime.now() - timedelta(days=400)
        self._force(old | in_use, create_date=long_ago)
        (old | in_use).write({"date_valid_until": long_ago.date()})
        self.assertLess(old.date_purge, fields.Date.today())
        self.assertGreater(recent.date_purge, fields.Date.today())
        Justificatif = self.env["collectivite.justificatif"]
        self.assertEqual(Justificatif._cron_purge(), 0)
        self.assertEqual(Justificatif._cron_purge(), 0)
        self.assertFalse(old.exists())
        self.assertFalse(old_page.exists())
        # still used by a request being instructed, or within its retention
        self.assertTrue(in_use.exists())
        self.assertTrue(recent.exists())
        self.assertTrue(partner_file.exists())
        system = self.env.ref("collectivite_base.partner_system")
        notes = closed.message_ids.filtered(
            lambda m: m.author_id == system and "Ancienne facture" in m.body
        )
        self.assertEqual(len(notes), 1)

    def test_retention_is_positive(self):
        with self.assertRaises(Exception):  # noqa: B017 (the database's check)
            self.jtype_address.retention_months = 0
            self.env.flush_all()

    # ------------------------------------------------------------ settings
    def test_new_request_mail_switched_off_stays_off(self):
        params = self.env["ir.config_parameter"]
        self.assertTrue(params.get_param(NOTIFY_PARAM))
        form = Form(self.env["res.config.settings"])
        self.assertTrue(form.teleservice_notify_new_request)
        form.teleservice_notify_new_request = False
        form.save().execute()
        self.assertFalse(Form(self.env["res.config.settings"]).teleservice_notify_new_request)
        # an update of the module loads its data again: the setting stays off
        convert_file(
            self.env,
            "teleservice_requests",
            "data/ir_config_parameter.xml",
            {},
            mode="update",
            noupdate=True,
        )
        self.assertFalse(params.get_param(NOTIFY_PARAM))
        self.assertFalse(Form(self.env["res.config.settings"]).teleservice_notify_new_request)
        request = self._request()
        self.assertEqual(self.Request._cron_notify_new_requests(), 0)
        self.assertTrue(request.is_new_notified)
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("partner_ids", "in", self.user_write.partner_id.ids),
                    ("subject", "ilike", request.name),
                ]
            )
        )
        # switched on again, it mails
        form = Form(self.env["res.config.settings"])
        form.teleservice_notify_new_request = True
        form.save().execute()
        again = self._request()
        self.Request._cron_notify_new_requests()
        self.assertTrue(
            self.env["mail.message"].search(
                [
                    ("partner_ids", "in", self.user_write.partner_id.ids),
                    ("subject", "ilike", again.name),
                ]
            )
        )

    def test_new_request_cron_uses_a_partial_index(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["collectivite_request_new_notify_idx"],
        )
        (definition,) = self.env.cr.fetchone()
        self.assertIn("WHERE", definition)
        query = self.Request._search(
            [("state", "!=", "draft"), ("is_new_notified", "=", False)], limit=200, order="id"
        )
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute("RESET enable_seqscan")
        self.assertIn("collectivite_request_new_notify_idx", plan)
