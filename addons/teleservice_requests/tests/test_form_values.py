from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
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
        self.assertEqual(values["start"], "01/09/2026")
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

    def test_check_box_tree(self):
        """A list shown as a check-box tree: values grouped under their parent,
        check boxes in the request's form, validation unchanged."""
        diet = self.env.ref("teleservice_requests.parameter_list_diet")
        self.assertEqual(diet.display_mode, "tree")
        Value = self.env["collectivite.parameter.value"].with_user(self.user_write)
        labels = [label for _id, label in Value.name_search("", [("list_id", "=", diet.id)])]
        self.assertEqual(
            labels,
            [
                "Standard",
                "Sans viande",
                "Sans viande / Sans porc",
                "Allergie alimentaire (PAI)",
                "Allergie alimentaire (PAI) / Sans gluten",
            ],
        )
        # a child added later still comes right after its parent
        no_meat = self.env.ref("teleservice_requests.parameter_diet_no_meat")
        fish = self.env["collectivite.parameter.value"].create(
            {"list_id": diet.id, "key": "test_poisson", "name": "Poisson", "parent_id": no_meat.id}
        )
        ids = [value_id for value_id, _label in Value.name_search("", [("list_id", "=", diet.id)])]
        self.assertEqual(ids.index(fish.id), ids.index(no_meat.id) + 2)
        # the form edits multiple choices of a tree list with check boxes (the value
        # widget picks them by the list's display mode; the agent's tour clicks them)
        arch = (
            self.env["collectivite.request"]
            .with_user(self.user_write)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('widget="collectivite_request_value"', arch)
        self.assertIn('name="display_mode"', arch)
        # the canteen's diets: children are choices like the others, checked server-side
        self.diet.display_mode = "tree"
        standard = self.diet.value_ids.filtered(lambda v: v.key == "standard")
        no_pork = self.diet.value_ids.filtered(lambda v: v.key == "sans_porc")
        no_pork.parent_id = standard
        request = self._request(submit=False)
        self.env["collectivite.request.value"]._set_raw_values(request, {"diets": ["sans_porc"]})
        line = request.value_ids.filtered(lambda v: v.field_id.key == "diets")
        self.assertEqual(line.value_choice_ids, no_pork)
        self.assertEqual(line.display_value, "Standard / Sans porc")
        with self.assertRaisesRegex(ValidationError, "n’est pas un choix"), self.cr.savepoint():
            line.value_choice_ids = self.other_list.value_ids
        line.invalidate_recordset()
        self.assertEqual(line.value_choice_ids, no_pork)

    def test_parameter_tree_refusals(self):
        standard = self.diet.value_ids.filtered(lambda v: v.key == "standard")
        no_pork = self.diet.value_ids.filtered(lambda v: v.key == "sans_porc")
        with self.assertRaisesRegex(ValidationError, "même liste"), self.cr.savepoint():
            no_pork.parent_id = self.other_list.value_ids
        no_pork.invalidate_recordset()
        self.assertFalse(no_pork.parent_id)
        no_pork.parent_id = standard
        with self.assertRaisesRegex(UserError, "Récursion"), self.cr.savepoint():
            standard.parent_id = no_pork
        standard.invalidate_recordset()
        self.assertFalse(standard.parent_id)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["collectivite.parameter.value"].create(
                {"list_id": self.diet.id, "key": "sans_porc", "name": "Doublon"}
            )
