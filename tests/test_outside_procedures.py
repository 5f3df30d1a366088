"""The procedures' newer models from the outside (issue 11, developers' rule "every route
and every public method is called by clients you do not control"): letters and mass
sendings, payments, régies, fees and the daily totals, drafts. Called over JSON-RPC
(``/web/dataset/call_kw``) and ``/web/content`` as two citizens of the demo (Camille
Martin, Karim Benali), a visitor and an agent without the category right, each time with
context keys the client chose; every refusal asserts the error AND the record read back
unchanged as the superuser.
"""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.collectivite_base.tests.common import json_rpc

CAMILLE = ("camille.martin@example.org", "camille")
KARIM = ("karim.benali@example.org", "karim")
ACCESS_ERROR = "odoo.exceptions.AccessError"
REFUSED = (ACCESS_ERROR, "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
SESSION_EXPIRED = "odoo.http.SessionExpiredException"
# What a client may send to switch a check off: none of them may.
CLIENT_CONTEXTS = [
    {},
    {"active_test": False, "tracking_disable": True, "mail_notrack": True},
    {"force_company": 1, "allowed_company_ids": [1, 2, 3]},
    {"sudo": True, "su": True, "bypass_rules": True, "install_mode": True},
    {"lang": "en_US", "uid": 1, "user_id": 1, "default_state": "paid"},
]


@tagged("post_install", "-at_install")
class TestOutsideProcedures(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        ref = env.ref
        cls.camille = env["res.users"].search([("login", "=", CAMILLE[0])])
        cls.karim = env["res.users"].search([("login", "=", KARIM[0])])
        martin = ref("household_accounts.household_martin")
        benali = ref("household_accounts.household_benali")
        cls.letter = env["collectivite.letter"].search(
            [("household_id", "=", martin.id), ("attachment_id", "!=", False)], limit=1
        )
        cls.payment_benali = env["collectivite.payment"].search(
            [("household_id", "=", benali.id)], limit=1
        )
        cls.request_to_pay = env["collectivite.request"].search(
            [("household_id", "=", martin.id), ("payment_state", "=", "awaiting")], limit=1
        )
        cls.regie = env["collectivite.regie"].search([], limit=1)
        cls.canteen = ref("teleservice_requests.teleservice_canteen")
        cls.bracket = env["collectivite.fee.bracket"].search([], limit=1)
        cls.daily = env["collectivite.payment.daily"].search([], limit=1)
        cls.draft_martin = env["collectivite.request"].create(
            {
                "teleservice_id": cls.canteen.id,
                "channel": "portal",
                "household_id": martin.id,
                "requester_id": cls.camille.partner_id.id,
                "subject_id": cls.camille.partner_id.id,
            }
        )
        # An agent of the collectivité with no category right (the settings' "none").
        cls.agent_none = new_test_user(
            env,
            login="outside_agent_none",
            password="outside_agent_none",
            groups="collectivite_base.collectivite_group_agent",
            name="Agent sans catégorie",
        )

    # ------------------------------------------------------------- helpers
    def _as(self, who):
        if who == "visitor":
            self.authenticate(None, None)
        elif who == "agent_none":
            self.authenticate("outside_agent_none", "outside_agent_none")
        else:
            self.authenticate(*who)

    def _rpc(self, model, method, args, kwargs=None, context=None):
        return json_rpc(self, model, method, args, kwargs, context)

    def _assert_refused(self, answer, names=REFUSED):
        self.assertIn("error", answer, answer)
        self.assertIn(answer["error"]["data"]["name"], names, answer["error"]["data"]["message"])

    def _fields(self, record, names):
        record.invalidate_recordset()
        return record.sudo().read(names)

    def test_demo_data_are_there(self):
        self.assertTrue(self.camille and self.karim)
        for record in (self.letter, self.payment_benali, self.request_to_pay, self.regie):
            self.assertTrue(record)

    # -------------------------------------------------------------- letters
    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_letters_of_another_household(self):
        names = ["title", "recipient", "means", "attachment_id"]
        before = self._fields(self.letter, names)
        for who in (KARIM, "agent_none"):
            self._as(who)
            for context in CLIENT_CONTEXTS:
                answer = self._rpc(
                    "collectivite.letter", "read", [self.letter.ids, names], context=context
                )
                self._assert_refused(answer, (ACCESS_ERROR,))
                found = self._rpc(
                    "collectivite.letter",
                    "search_read",
                    [[("id", "=", self.letter.id)]],
                    {"fields": ["id"]},
                    context=context,
                )
                self.assertEqual(found.get("result", []), [], (who, context))
            pdf = self.url_open(f"/web/content/ir.attachment/{self.letter.attachment_id.id}/raw")
            self.assertIn(pdf.status_code, (403, 404), who)
            self.assertNotIn(b"%PDF", pdf.content)
            mine = self.url_open(f"/my/courriers/{self.letter.id}/pdf")
            self.assertIn(mine.status_code, (303, 403, 404), who)
            self.assertNotIn(b"%PDF", mine.content)
        self._as("visitor")
        answer = self._rpc("collectivite.letter", "read", [self.letter.ids, names])
        self._assert_refused(answer, (SESSION_EXPIRED, ACCESS_ERROR))
        pdf = self.url_open(f"/web/content/ir.attachment/{self.letter.attachment_id.id}/raw")
        self.assertNotIn(b"%PDF", pdf.content)
        self.assertEqual(self._fields(self.letter, names), before)

    @mute_logger("odoo.http")
    def test_own_letter_cannot_be_written_nor_forged(self):
        names = ["title", "recipient", "means", "attachment_id", "request_id"]
        before = self._fields(self.letter, names)
        count = self.env["collectivite.letter"].search_count([])
        self._as(CAMILLE)
        for context in CLIENT_CONTEXTS:
            answer = self._rpc(
                "collectivite.letter",
                "write",
                [self.letter.ids, {"title": "Courrier falsifié", "recipient": "x@example.org"}],
                context=context,
            )
            self._assert_refused(answer)
            answer = self._rpc(
                "collectivite.letter",
                "create",
                [{"request_id": self.letter.request_id.id, "means": "letter", "title": "Faux"}],
                context=context,
            )
            self._assert_refused(answer)
            answer = self._rpc("collectivite.letter", "unlink", [self.letter.ids], context=context)
            self._assert_refused(answer)
        self.assertEqual(self._fields(self.letter, names), before)
        self.assertEqual(self.env["collectivite.letter"].search_count([]), count)

    @mute_logger("odoo.http")
    def test_mass_sending_outside_the_agent_rights(self):
        count = self.env["collectivite.letter.batch"].search_count([])
        for who in (CAMILLE, "visitor"):
            self._as(who)
            answer = self._rpc(
                "collectivite.letter.batch",
                "create",
                [{"name": "Envoi", "means": "email", "request_ids": [Command.set([1])]}],
            )
            self._assert_refused(answer, REFUSED + (SESSION_EXPIRED,))
        self.assertEqual(self.env["collectivite.letter.batch"].search_count([]), count)
        # The agent without the category right prepares a sending to a request he
        # cannot read: it never starts, whatever the context.
        batch = (
            self.env["collectivite.letter.batch"]
            .with_user(self.agent_none)
            .sudo()
            .create(
                {
                    "name": "Envoi hors catégorie",
                    "template_id": self.env["collectivite.letter.template"].search([], limit=1).id,
                    "means": "email",
                    "user_id": self.agent_none.id,
                    "company_id": self.draft_martin.company_id.id,
                    "request_ids": [Command.set(self.request_to_pay.ids)],
                    "is_empty_confirmed": True,
                }
            )
        )
        self._as("agent_none")
        for context in CLIENT_CONTEXTS:
            answer = self._rpc(
                "collectivite.letter.batch", "action_start", [batch.ids], context=context
            )
            self._assert_refused(answer)
            answer = self._rpc(
                "collectivite.letter.batch",
                "write",
                [batch.ids, {"state": "running"}],
                context=context,
            )
            self._assert_refused(answer)
        self.assertEqual(self._fields(batch, ["state", "date_start"])[0]["state"], "draft")
        self.assertFalse(
            self.env["collectivite.letter"].search_count([("batch_id", "=", batch.id)])
        )

    # ------------------------------------------------------------- payments
    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_payments_of_another_household(self):
        names = ["state", "amount", "means", "numauto", "partner_id"]
        before = self._fields(self.payment_benali, names)
        for who in (CAMILLE, "agent_none"):
            self._as(who)
            for context in CLIENT_CONTEXTS:
                answer = self._rpc(
                    "collectivite.payment",
                    "read",
                    [self.payment_benali.ids, names],
                    context=context,
                )
                self._assert_refused(answer, (ACCESS_ERROR,))
        self._as(KARIM)
        for context in CLIENT_CONTEXTS:
            answer = self._rpc(
                "collectivite.payment",
                "write",
                [self.payment_benali.ids, {"state": "refunded", "amount": 0.01}],
                context=context,
            )
            self._assert_refused(answer)
            answer = self._rpc("collectivite.payment", "unlink", [self.payment_benali.ids])
            self._assert_refused(answer)
        self.assertEqual(self._fields(self.payment_benali, names), before)

    @mute_logger("odoo.http")
    def test_citizen_cannot_record_a_payment(self):
        Payment = self.env["collectivite.payment"]
        count = Payment.search_count([])
        names = ["payment_state", "payment_amount"]
        before = self._fields(self.request_to_pay, names)
        for who in (CAMILLE, "agent_none"):
            self._as(who)
            for context in CLIENT_CONTEXTS:
                for method, args in (
                    ("action_record_counter_payment", [self.request_to_pay.ids]),
                    ("action_record_borne_payment", [self.request_to_pay.ids]),
                ):
                    answer = self._rpc("collectivite.request", method, args, context=context)
                    self._assert_refused(answer)
                answer = self._rpc(
                    "collectivite.payment",
                    "create",
                    [
                        {
                            "request_id": self.request_to_pay.id,
                            "amount": 0.01,
                            "currency_id": self.env.ref("base.EUR").id,
                            "means": "guichet",
                            "state": "validated",
                        }
                    ],
                    context=context,
                )
                self._assert_refused(answer)
        self.assertEqual(Payment.search_count([]), count)
        self.assertEqual(self._fields(self.request_to_pay, names), before)

    @mute_logger("odoo.http")
    def test_regies_fees_and_totals_are_the_managers(self):
        regie_names = ["name", "code", "numcli", "provider_id"]
        regie_before = self._fields(self.regie, regie_names)
        fee_names = ["fee_type", "fee_amount", "regie_id"]
        fee_before = self._fields(self.canteen, fee_names)
        for who in (CAMILLE, KARIM, "agent_none"):
            self._as(who)
            for context in CLIENT_CONTEXTS:
                answer = self._rpc(
                    "collectivite.regie",
                    "write",
                    [self.regie.ids, {"numcli": "000000", "code": "PIRATE"}],
                    context=context,
                )
                self._assert_refused(answer)
                answer = self._rpc(
                    "collectivite.teleservice",
                    "write",
                    [self.canteen.ids, {"fee_amount": 0.01, "fee_type": "fixed"}],
                    context=context,
                )
                self._assert_refused(answer)
                if self.bracket:
                    answer = self._rpc(
                        "collectivite.fee.bracket",
                        "write",
                        [self.bracket.ids, {"amount": 0.01}],
                        context=context,
                    )
                    self._assert_refused(answer)
            if who != "agent_none":
                answer = self._rpc("collectivite.payment.daily", "search_read", [[]], {"limit": 1})
                self._assert_refused(answer, (ACCESS_ERROR,))
                csv = self.url_open(f"/teleservice/payments/daily.csv?ids={self.daily.id or 1}")
                self.assertIn(csv.status_code, (403, 404), who)
        self.assertEqual(self._fields(self.regie, regie_names), regie_before)
        self.assertEqual(self._fields(self.canteen, fee_names), fee_before)

    # --------------------------------------------------------------- drafts
    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_draft_of_another_household(self):
        names = ["state", "requester_id", "subject_id", "household_id"]
        before = self._fields(self.draft_martin, names)
        for who in (KARIM, "agent_none", "visitor"):
            self._as(who)
            for context in CLIENT_CONTEXTS:
                for method, args in (
                    ("read", [self.draft_martin.ids, names]),
                    ("write", [self.draft_martin.ids, {"subject_id": self.karim.partner_id.id}]),
                    ("action_submit", [self.draft_martin.ids]),
                    ("unlink", [self.draft_martin.ids]),
                ):
                    answer = self._rpc("collectivite.request", method, args, context=context)
                    self._assert_refused(answer, REFUSED + (SESSION_EXPIRED,))
            response = self.url_open(f"/demarches/brouillon/{self.draft_martin.id}/recapitulatif")
            self.assertIn(response.status_code, (403, 404), who)
        self.assertTrue(self.draft_martin.exists())
        self.assertEqual(self._fields(self.draft_martin, names), before)

    @mute_logger("odoo.http")
    def test_own_draft_is_changed_by_the_form_only(self):
        names = ["state", "requester_id", "subject_id", "household_id", "channel"]
        before = self._fields(self.draft_martin, names)
        self._as(CAMILLE)
        for context in CLIENT_CONTEXTS:
            answer = self._rpc(
                "collectivite.request",
                "write",
                [
                    self.draft_martin.ids,
                    {"state": "validated", "requester_id": self.karim.partner_id.id},
                ],
                context=context,
            )
            self._assert_refused(answer)
            answer = self._rpc(
                "collectivite.request",
                "create",
                [
                    {
                        "teleservice_id": self.canteen.id,
                        "household_id": self.karim.partner_id.household_id.id,
                        "requester_id": self.karim.partner_id.id,
                        "state": "validated",
                    }
                ],
                context=context,
            )
            self._assert_refused(answer)
        self.assertEqual(self._fields(self.draft_martin, names), before)

    # -------------------------------------------------- files of the drafts
    def _uploaded_in_draft(self, user, teleservice, partner=None):
        """A file posted in the file field of a new draft of ``user``, stored as the
        form stores it (``_portal_pages``, then the line written on the draft)."""
        Request = self.env["collectivite.request"].with_user(user)
        if partner:
            draft = Request._portal_new_draft(teleservice, partner, partner)
        else:
            draft = Request._portal_new_anonymous(
                teleservice, "Jeanne Visiteuse", "jeanne.visiteuse@example.org", "192.0.2.7"
            )
        field = teleservice.field_ids.filtered(lambda f: f.field_type == "file")[:1]
        line = draft.sudo().value_ids.filtered(lambda v: v.field_id == field)
        page = (
            self.env["collectivite.justificatif"]
            .with_user(user)
            ._portal_pages([("photo-lampadaire.pdf", b"%PDF-1.4\n% photo\n")])
        )
        draft.sudo().write(
            {"value_ids": [Command.update(line.id, {"value_attachment_id": page.id})]}
        )
        return draft.sudo(), page.sudo()

    def _assert_file_refused(self, page, who):
        names = ["name", "res_model", "res_id", "checksum"]
        before = self._fields(page, names)
        for context in CLIENT_CONTEXTS:
            answer = self._rpc("ir.attachment", "read", [page.ids, ["datas"]], context=context)
            self._assert_refused(answer, (ACCESS_ERROR, SESSION_EXPIRED))
            answer = self._rpc(
                "ir.attachment", "write", [page.ids, {"name": "pris.pdf"}], context=context
            )
            self._assert_refused(answer, (ACCESS_ERROR, SESSION_EXPIRED))
            answer = self._rpc("ir.attachment", "unlink", [page.ids], context=context)
            self._assert_refused(answer, (ACCESS_ERROR, SESSION_EXPIRED))
        for url in (
            f"/web/content/{page.id}",
            f"/web/content/ir.attachment/{page.id}/datas",
            f"/web/content/{page.id}?access_token=&download=true",
            f"/web/image/{page.id}",
        ):
            response = self.url_open(url)
            self.assertNotIn(b"% photo", response.content, (who, url))
        self.assertTrue(page.exists())
        self.assertEqual(self._fields(page, names), before)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_file_of_a_citizen_draft(self):
        intervention = self.env.ref("teleservice_requests.teleservice_intervention")
        draft, page = self._uploaded_in_draft(self.camille, intervention, self.camille.partner_id)
        self.assertEqual((page.res_model, page.res_id), (draft._name, draft.id))
        for who in (KARIM, "agent_none", "visitor"):
            self._as(who)
            self._assert_file_refused(page, who)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_file_of_a_visitor_draft(self):
        """Visitors share the public user: another visitor reaches nothing by id."""
        intervention = self.env.ref("teleservice_requests.teleservice_intervention")
        draft, page = self._uploaded_in_draft(self.env.ref("base.public_user"), intervention)
        self.assertEqual((page.res_model, page.res_id), (draft._name, draft.id))
        for who in ("visitor", CAMILLE, "agent_none"):
            self._as(who)
            self._assert_file_refused(page, who)
