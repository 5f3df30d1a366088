from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPortalTours(HttpCase):
    """The citizen's path in Chromium, on the demo data: Camille Martin enrols
    Léa at the canteen with the proof of address of her household's space (on
    a desktop and a phone-size window); a visitor asks for a birth
    certificate and opens its follow-up link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.camille = cls.env.ref("household_accounts.user_camille")
        # start_tour logs in with the login as password.
        cls.camille.password = cls.camille.login
        cls.canteen = cls.env.ref("teleservice_requests.teleservice_canteen")

    def _canteen_tour(self):
        domain = [
            ("teleservice_id", "=", self.canteen.id),
            ("requester_id", "=", self.camille.partner_id.id),
            ("channel", "=", "portal"),
            ("state", "=", "pending"),
        ]
        before = self.env["collectivite.request"].search(domain)  # the demo's own
        self.start_tour("/demarches", "teleservice_portal_canteen_tour", login=self.camille.login)
        sent = self.env["collectivite.request"].search(domain) - before
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.subject_id, self.env.ref("household_accounts.partner_lea_martin"))
        self.assertEqual(
            sent.justificatif_ids,
            self.env.ref("teleservice_requests.demo_justificatif_martin_address"),
        )
        values = {line.field_id.key: line for line in sent.value_ids}
        self.assertEqual(values["ecole"].value_school_id.code, "EE-JFERRY")
        self.assertEqual(values["jours"].value_number, 4)

    def test_canteen_enrolment_tour(self):
        self._canteen_tour()

    def test_canteen_enrolment_tour_on_a_phone(self):
        self.browser_size = "375x740"
        self.touch_enabled = True
        self._canteen_tour()

    def test_birth_certificate_without_account_tour(self):
        self.start_tour("/demarches", "teleservice_portal_birth_certificate_tour")
        sent = self.env["collectivite.request"].search(
            [("requester_id.email", "=", "jeanne.visiteuse@example.org")]
        )
        self.assertEqual(sent.state, "pending")
        self.assertTrue(sent.tracking_code)
        self.assertFalse(sent.household_id)
