from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import HouseholdCaseMixin


@tagged("post_install", "-at_install")
class TestHouseholdState(HouseholdCaseMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()

    def _household(self, state="draft"):
        household = self.create_household("Jeanne", "Lambert")
        if state != "draft":
            values = {"refusal_reason": "Pièce manquante."} if state == "invalid" else {}
            household.sudo()._move(state, values)
        return household

    def assertRefused(self, household, action, exception=UserError):
        before = (household.state, household.refusal_reason)
        with self.assertRaises(exception):
            action()
        household.invalidate_recordset()
        self.assertEqual((household.state, household.refusal_reason), before)

    def test_new_household_is_in_progress_with_a_number(self):
        household = self._household().with_user(self.agent)
        self.assertEqual(household.state, "draft")
        self.assertRegex(household.name, r"^F\d{7}$")
        self.assertEqual(household.responsible_id.household_role, "responsible")
        self.assertTrue(household.is_active)

    def test_agent_validates_and_chatter_tracks_it(self):
        household = self._household().with_user(self.agent)
        # Records created in the running transaction are not tracked: end it first.
        self.env.cr.precommit.run()
        household.action_validate()
        self.assertEqual(household.state, "valid")
        self.assertTrue(household.date_validation)
        self.env.cr.precommit.run()  # tracking values are written at commit
        household.invalidate_recordset(["message_ids"])
        tracking = household.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state" and value.new_value_char == "Valid"
        )
        self.assertEqual(tracking[:1].old_value_char, "In progress")
        self.assertEqual(tracking[:1].new_value_char, "Valid")
        self.assertEqual(tracking[:1].mail_message_id.author_id, self.agent.partner_id)

    def test_agent_refuses_with_reason_then_back_to_in_progress(self):
        household = self._household().with_user(self.agent)
        household.action_invalidate("Justificatif de domicile manquant.")
        self.assertEqual(household.state, "invalid")
        self.assertEqual(household.refusal_reason, "Justificatif de domicile manquant.")
        household.action_reset_draft()
        self.assertEqual(household.state, "draft")
        household.action_validate()
        self.assertEqual(household.state, "valid")

    def test_reason_of_refusal_is_sent_to_the_citizen(self):
        household = self._household().with_user(self.agent)
        household.action_invalidate("Justificatif de domicile illisible.")
        message = household.sudo().message_ids.filtered(
            lambda message: "Justificatif de domicile illisible." in (message.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertIn(household.responsible_id, message.partner_ids)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))

    def test_refusal_without_reason_is_refused(self):
        household = self._household().with_user(self.agent)
        self.assertRefused(household, lambda: household.action_invalidate("  "))

    def test_refuse_through_wizard(self):
        household = self._household().with_user(self.agent)
        action = household.action_open_invalidate_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({"reason": "Adresse incomplète."})
        )
        wizard.action_confirm()
        self.assertEqual(household.state, "invalid")

    def test_manager_archives_and_restores(self):
        household = self._household("valid").with_user(self.manager)
        household.action_archive_household()
        self.assertEqual(household.state, "archived")
        household.action_restore_household()
        self.assertEqual(household.state, "draft")

    def test_agent_cannot_archive(self):
        household = self._household("valid").with_user(self.agent)
        self.assertRefused(household, household.action_archive_household, AccessError)
        self.assertRefused(household, lambda: household.write({"state": "archived"}), AccessError)

    def test_validation_of_archived_household_is_refused(self):
        household = self._household("archived").with_user(self.manager)
        self.assertRefused(household, household.action_validate)

    def test_refused_transitions_change_nothing(self):
        refused = {
            "valid": ("action_validate", "action_reset_draft"),
            "draft": ("action_reset_draft",),
            "archived": ("action_validate", "action_archive_household"),
        }
        for state, actions in refused.items():
            household = self._household(state).with_user(self.manager)
            for action in actions:
                with self.subTest(state=state, action=action):
                    self.assertRefused(household, getattr(household, action))

    def test_direct_write_of_state_is_checked(self):
        household = self._household("valid").with_user(self.agent)
        self.assertRefused(household, lambda: household.write({"state": "draft"}))

    def test_refused_message_is_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        household = self._household("valid").with_user(self.agent).with_context(lang="fr_FR")
        with self.assertRaises(AccessError) as error:
            household.action_archive_household()
        self.assertIn("Vous n’êtes pas autorisé", str(error.exception))
        with self.assertRaises(UserError) as error:
            household.action_invalidate("")
        self.assertIn("motif du refus", str(error.exception))
