from odoo.tests import HttpCase, tagged

from .common import TeleserviceCommon


@tagged("post_install", "-at_install")
class TestPortalTour(HttpCase, TeleserviceCommon):
    """In Chromium: a citizen follows their requests and answers an incomplete
    one with the missing justificatif."""

    def test_citizen_follows_and_answers(self):
        self.citizen.write({"password": "ts_citizen", "lang": "fr_FR", "tz": "Europe/Paris"})
        validated = self._request(name="DEM-TOUR-VALIDE", channel="counter")
        self._justificatif(validated).action_validate()
        agent = validated.with_user(self.user_write)
        agent.action_start()
        agent.action_mark_complete()
        agent.action_validate_data()
        agent.action_validate()
        incomplete = self._request(name="DEM-TOUR-INCOMPLETE", channel="portal")
        agent = incomplete.with_user(self.user_write)
        agent.action_start()
        agent.action_mark_incomplete()
        agent._post_citizen_note("Il manque le justificatif de domicile de moins de trois mois.")
        (validated | incomplete).with_user(self.user_write).action_unlock()
        self.start_tour("/my", "teleservice_portal_follow_tour", login="ts_citizen")
        self.assertEqual(incomplete.state, "rectified")
        justificatif = incomplete.justificatif_ids
        self.assertEqual(len(justificatif), 1)
        self.assertEqual(justificatif.household_id, self.household)
        self.assertEqual(
            sorted(justificatif.page_ids.mapped("name")), ["quittance-1.pdf", "quittance-2.pdf"]
        )
        self.assertEqual(validated.state, "validated")
