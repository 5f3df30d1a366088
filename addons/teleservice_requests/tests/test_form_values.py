from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TeleserviceCommon


@tagged("post_install", "-at_install")
class TestFormValues(TeleserviceCommon):
    def test_values_typed_and_validated(self):
        request = self._request(submit=False)
        Value = self.env["collectivite.request.value"]
        Value._set_raw_values(
            request,
            {
                "days": "4",
                "start": "2026-09-01",
                "diet": "sans_porc",
                "diets": ["standard", "sans_porc"],
                "pai": "on",
            },
        )
        values = {line.field_id.key: line.display_value for line in request.value_ids}
        self.assertEqual(values["days"], "4")
        self.assertEqual(values["start"], "2026-09-01")
        self.assertEqual(values["diet"], "Sans porc")
        self.assertEqual(set(values["diets"].split(", ")), {"Standard", "Sans porc"})
        self.assertEqual(values["pai"], "Oui")

    def test_bad_values_refused_nothing_saved(self):
        request = self._request(submit=False)
        Value = self.env["collectivite.request.value"]
        cases = [
            ({"days": "quatre"}, "attend une valeur"),
            ({"start": "31/02/2026"}, "attend une valeur"),
            ({"diet": "halal"}, "n’est pas un choix"),
            ({"diet": ["standard", "sans_porc"]}, "seul choix"),
            ({"unknown": "x"}, "Champs inconnus"),
        ]
        for raw, message in cases:
            with self.subTest(raw=raw), self.assertRaisesRegex(ValidationError, message):
                Value._set_raw_values(request, dict(raw, child="Autre"))
        self.assertEqual(
            request.value_ids.filtered(lambda v: v.field_id.key == "child").value_char, "Léo"
        )
        # a choice of another list, written directly, is refused too
        line = request.value_ids.filtered(lambda v: v.field_id.key == "diet")
        with self.assertRaisesRegex(ValidationError, "n’est pas un choix"):
            line.value_choice_id = self.other_list.value_ids
        # a person outside the household
        member_field = self.env["collectivite.form.field"].create(
            {
                "teleservice_id": self.teleservice.id,
                "key": "member",
                "name": "Membre",
                "field_type": "member",
            }
        )
        request._prefill_values()
        member = request.value_ids.filtered(lambda v: v.field_id == member_field)
        with self.assertRaisesRegex(ValidationError, "n’est pas membre"):
            member.value_partner_id = self.user_read.partner_id

    def test_field_definitions(self):
        with self.assertRaisesRegex(ValidationError, "liste de choix"):
            self.env["collectivite.form.field"].create(
                {
                    "teleservice_id": self.teleservice.id,
                    "key": "c",
                    "name": "C",
                    "field_type": "choice",
                }
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["collectivite.parameter.value"].create(
                {"list_id": self.diet.id, "key": "standard", "name": "Doublon"}
            )

    def test_seed_procedures(self):
        codes = set(self.env["collectivite.teleservice"].search([]).mapped("code"))
        for code in (
            "inscription_scolaire",
            "restauration_scolaire",
            "acte_naissance",
            "listes_electorales",
            "bibliotheque",
            "raccordement_egout",
            "intervention_technique",
        ):
            self.assertIn(code, codes)
        canteen = self.env.ref("teleservice_requests.teleservice_canteen")
        self.assertIn("multi_choice", canteen.field_ids.mapped("field_type"))
