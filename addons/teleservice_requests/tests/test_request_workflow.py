from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import TeleserviceCommon

ACTIONS = {
    "pending": "action_submit",
    "in_progress": "action_start",
    "complete": "action_mark_complete",
    "incomplete": "action_mark_incomplete",
    "rectified": "action_rectify",
    "validated": "action_validate",
    "refused": "action_refuse",
    "cancelled": "action_cancel",
    "notified": "action_notify",
    "closed": "action_close",
    "archived": "action_archive_request",
}
# One path reaching each state from draft.
PATHS = {
    "draft": [],
    "pending": ["pending"],
    "in_progress": ["pending", "in_progress"],
    "complete": ["pending", "in_progress", "complete"],
    "incomplete": ["pending", "in_progress", "incomplete"],
    "rectified": ["pending", "in_progress", "incomplete", "rectified"],
    "validated": ["pending", "in_progress", "complete", "validated"],
    "refused": ["pending", "in_progress", "complete", "refused"],
    "cancelled": ["pending", "cancelled"],
    "notified": ["pending", "in_progress", "complete", "validated", "notified"],
    "closed": ["pending", "in_progress", "complete", "validated", "notified", "closed"],
    "archived": [
        "pending",
        "in_progress",
        "complete",
        "validated",
        "notified",
        "closed",
        "archived",
    ],
}


@tagged("post_install", "-at_install")
class TestRequestWorkflow(TeleserviceCommon):
    def _ready_request(self):
        request = self._request(submit=False)
        justificatif = self._justificatif(request)
        justificatif.action_validate()
        # A refusal states its reasons (written before the move).
        request.refusal_reason = "Dossier hors délai (test)."
        return request

    def _walk(self, request, path):
        for target in path:
            if target == "validated":
                request.action_validate_data()
            getattr(request.with_user(self.user_write), ACTIONS[target])()
        return request

    def test_every_transition(self):
        """Each transition of the table is allowed, every other one refused."""
        moves = self.env["collectivite.request"]._state_moves["state"]
        for source, path in PATHS.items():
            request = self._walk(self._ready_request(), path)
            self.assertEqual(request.state, source)
            for target, action in ACTIONS.items():
                if target == source:
                    continue
                with self.subTest(source=source, target=target):
                    if (source, target) in moves:
                        probe = self._walk(self._ready_request(), path)
                        if target == "validated":
                            probe.action_validate_data()
                        getattr(probe.with_user(self.user_write), action)()
                        self.assertEqual(probe.state, target)
                    else:
                        with self.assertRaises(UserError):
                            getattr(request.with_user(self.user_write), action)()
                        self.assertEqual(request.state, source)

    def test_direct_write_checked(self):
        request = self._request()
        with self.assertRaises(UserError):
            request.with_user(self.user_write).write({"state": "validated"})
        self.assertEqual(request.state, "pending")

    def test_refused_transition_message_in_french(self):
        request = self._request()
        with self.assertRaisesRegex(UserError, "En attente"):
            request.with_user(self.user_write).action_notify()

    def test_validation_preconditions(self):
        request = self._request(submit=False)
        justificatif = self._justificatif(request)
        self._walk(request, ["pending", "in_progress", "complete"])
        with self.assertRaises(UserError) as error:
            request.with_user(self.user_write).action_validate()
        message = str(error.exception)
        self.assertIn("données", message)
        self.assertIn("Domicile (test)", message)
        self.assertEqual(request.state, "complete")
        request.with_user(self.user_write).action_validate_data()
        with self.assertRaisesRegex(UserError, "Domicile"):
            request.with_user(self.user_write).action_validate()
        justificatif.with_user(self.user_write).action_validate()
        request.with_user(self.user_write).action_validate()
        self.assertEqual(request.state, "validated")
        self.assertTrue(request.date_validated)

    def test_data_state(self):
        request = self._request()
        agent_request = request.with_user(self.user_write)
        agent_request.action_invalidate_data()
        self.assertEqual(request.data_state, "invalid")
        with self.assertRaises(UserError):
            agent_request.action_validate_data()
        self.assertEqual(request.data_state, "invalid")
        agent_request.action_reset_data()
        agent_request.action_validate_data()
        self.assertEqual(request.data_state, "valid")
        with self.assertRaises(UserError):
            agent_request.action_invalidate_data()
        # a rectified request gets its invalid data checked again
        other = self._request().with_user(self.user_write)
        other.action_start()
        other.action_invalidate_data()
        other.action_mark_incomplete()
        other.action_rectify()
        self.assertEqual(other.data_state, "to_check")

    def test_data_required_fields(self):
        request = self._request(submit=False)
        line = request.value_ids.filtered(lambda v: v.field_id.key == "child")
        line.value_char = False
        with self.assertRaisesRegex(UserError, "Enfant"):
            request.action_submit()
        self.assertEqual(request.state, "draft")

    def test_history(self):
        request = self._request(submit=False)
        # tracking starts once the creating transaction is over
        self.env.cr.precommit.run()
        request.action_submit()
        self.env.cr.precommit.run()
        request.with_user(self.user_write).action_start()
        self.env.cr.precommit.run()
        request.invalidate_recordset(["message_ids"])
        tracked = request.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertTrue(tracked)
        self.assertEqual(
            request.message_ids[0].subtype_id,
            self.env.ref("teleservice_requests.mail_subtype_request_state"),
        )
        self.assertEqual(request.message_ids[0].author_id, self.user_write.partner_id)

    def test_notes_internal_never_to_portal(self):
        request = self._request()
        internal = request.with_user(self.user_write)._post_internal_note("Note interne agents")
        citizen = request.with_user(self.user_write)._post_citizen_note("Merci de compléter")
        self.assertTrue(internal.subtype_id.internal)
        self.assertFalse(citizen.subtype_id.internal)
        visible = (
            self.env["mail.message"]
            .with_user(self.citizen)
            .search([("model", "=", request._name), ("res_id", "=", request.id)])
        )
        self.assertIn(citizen, visible)
        self.assertNotIn(internal, visible)
        self.assertIn(self.citizen.partner_id, citizen.partner_ids)

    def test_citizen_answers(self):
        request = self._request()
        request.with_user(self.user_write)._post_citizen_note("Merci de compléter")
        answer = request.with_user(self.citizen).message_post(
            body="Voici le document", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(answer.author_id, self.citizen.partner_id)
        self.assertIn(answer, request.message_ids)

    def test_justificatif_changes_in_request_history(self):
        request = self._request()
        justificatif = self._justificatif(request, name="Quittance EDF")
        justificatif.with_user(self.user_write).action_refuse()
        request.invalidate_recordset(["message_ids"])
        self.assertIn("Quittance EDF", request.message_ids[0].body)
        self.assertIn("Refusé", request.message_ids[0].body)
        self.assertEqual(request.message_ids[0].author_id, self.user_write.partner_id)

    def test_counter_mode_prefills_from_household(self):
        form = Form(
            self.env["collectivite.request"]
            .with_user(self.user_write)
            .with_context(default_channel="counter")
        )
        form.teleservice_id = self.teleservice
        form.household_id = self.household
        self.assertEqual(form.channel, "counter")
        self.assertEqual(form.requester_id, self.citizen.partner_id)
        request = form.save()
        self.assertEqual(len(request.value_ids), 6)
        address_service = self.env.ref("teleservice_requests.teleservice_school")
        school = self._request(address_service, submit=False)
        address = school.value_ids.filtered(lambda v: v.field_type == "address")
        self.assertIn("rue de la Paix", address.value_text)

    def test_seasons(self):
        season = self.env["collectivite.season"].create(
            {
                "teleservice_id": self.teleservice.id,
                "name": "2025-2026",
                "date_registration_start": "2025-03-01",
                "date_registration_end": "2025-06-30",
                "date_start": "2025-09-01",
                "date_end": "2026-07-04",
            }
        )
        request = self._request(submit=False)
        with self.assertRaisesRegex(UserError, "fermées"):
            request.action_submit()
        self.assertEqual(request.state, "draft")
        today = fields.Date.today()
        open_season = self.env["collectivite.season"].create(
            {
                "teleservice_id": self.teleservice.id,
                "name": "Ouverte",
                "date_registration_start": today - timedelta(days=5),
                "date_registration_end": today + timedelta(days=5),
                "date_validation_start": today + timedelta(days=3),
                "date_start": today + timedelta(days=30),
                "date_end": today + timedelta(days=300),
            }
        )
        request.action_submit()
        self.assertEqual(request.season_id, open_season)
        self.assertIn("validation", " ".join(request._validation_blockers({})))
        with self.assertRaisesRegex(Exception, "se chevauchent"):
            self.env["collectivite.season"].create(
                {
                    "teleservice_id": self.teleservice.id,
                    "name": "Chevauche",
                    "date_registration_start": "2025-07-01",
                    "date_registration_end": "2025-07-30",
                    "date_start": "2026-07-01",
                    "date_end": "2026-08-30",
                }
            )
        with self.assertRaisesRegex(Exception, "périodes d’inscription"):
            self.env["collectivite.season"].create(
                {
                    "teleservice_id": self.teleservice.id,
                    "name": "Inscriptions chevauchantes",
                    "date_registration_start": "2025-06-01",
                    "date_registration_end": "2025-07-30",
                    "date_start": "2024-09-01",
                    "date_end": "2025-02-01",
                }
            )
        self.assertTrue(season.exists())
