from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from .common import HouseholdCaseMixin


@tagged("post_install", "-at_install")
class TestHouseholdValidation(HouseholdCaseMixin, TransactionCase):
    """Every bad input of the issue is refused with a message and saves nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()
        cls.Household = cls.env["collectivite.household"].with_user(cls.agent)
        cls.Partner = cls.env["res.partner"].with_user(cls.agent)

    def _counts(self):
        return (
            self.env["collectivite.household"].search_count([]),
            self.env["res.partner"].search_count([]),
            self.env["collectivite.household.change"].search_count([]),
        )

    def _counter_values(self, **values):
        member = {
            "firstname": "Lucas",
            "lastname": "Moulin",
            "birthdate": "1990-02-02",
            "household_role": "responsible",
        }
        member.update(values.pop("member", {}))
        return dict(
            {
                "street_number": "9",
                "street": "rue des Écoles",
                "zip": "95300",
                "city": "Pontoise",
                "member_ids": [Command.create(member)],
            },
            **values,
        )

    def assertRefusedCreate(self, values, message):
        before = self._counts()
        with self.assertRefusal(ValidationError, message):
            self.Household.create(values)
        self.assertEqual(self._counts(), before)

    def test_counter_creation_with_members(self):
        household = self.Household.create(
            self._counter_values(
                member_ids=[
                    Command.create(
                        {
                            "firstname": "Lucas",
                            "lastname": "Moulin",
                            "household_role": "responsible",
                        }
                    ),
                    Command.create(
                        {
                            "firstname": "Emma",
                            "lastname": "Moulin",
                            "birthdate": "2020-01-01",
                            "household_role": "child",
                        }
                    ),
                ]
            )
        )
        self.assertEqual(household.responsible_id.name, "Lucas Moulin")
        self.assertEqual(household.member_count, 2)
        self.assertEqual(household.member_ids.company_id, household.company_id)
        bodies = " ".join(household.message_ids.mapped("body"))
        self.assertIn(
            household._history_env()._(
                "Member %(member)s added to the household.", member="Emma Moulin"
            ),
            bodies,
        )

    def test_counter_form_defaults(self):
        form = Form(self.Household)
        self.assertEqual(form.state, "draft")
        self.assertEqual(form.contact_channel, "email")
        self.assertEqual(form.company_id, self.company)
        self.assertTrue(form.is_active)
        # Counter mode: the agent types the household and its members in one form.
        form.street = "rue des Écoles"
        form.zip = "95300"
        form.city = "Pontoise"
        with form.member_ids.new() as member:
            member.lastname = "Moulin"
            member.firstname = "Lucas"
            member.household_role = "responsible"
        with form.member_ids.new() as member:
            member.lastname = "Moulin"
            member.firstname = "Emma"
            member.birthdate = date(2020, 1, 1)
            member.household_role = "child"
        household = form.save()
        self.assertEqual(household.responsible_id.name, "Lucas Moulin")
        self.assertEqual(household.member_count, 2)
        self.assertEqual(household.state, "draft")

    def test_missing_mandatory_field(self):
        self.assertRefusedCreate(self._counter_values(street=""), "Street")
        self.assertRefusedCreate(self._counter_values(member={"lastname": False}), "Last name")

    def test_missing_responsible(self):
        before = self._counts()
        with self.assertRefusal(ValidationError, "responsible adult"):
            self.Household.create(self._counter_values(member={"household_role": "child"}))
        self.assertEqual(self._counts(), before)

    def test_two_responsibles(self):
        with self.assertRefusal(ValidationError, "several responsible"):
            self.household_a.with_user(self.agent).write(
                {"member_ids": [Command.update(self.child_a.id, {"household_role": "responsible"})]}
            )

    def test_household_keeps_its_responsible(self):
        responsible = self.household_a.responsible_id.with_user(self.agent)
        with self.assertRefusal(ValidationError, "needs a responsible adult"):
            responsible.write({"household_role": "spouse"})
        with self.assertRefusal(ValidationError, "needs a responsible adult"):
            responsible.write({"household_id": False})
        self.assertEqual(self.household_a.responsible_id, responsible)
        # Handing over to another member in one write of the household is fine.
        self.household_a.with_user(self.agent).write(
            {
                "member_ids": [
                    Command.update(self.child_a.id, {"household_role": "responsible"}),
                    Command.update(responsible.id, {"household_role": "other"}),
                ]
            }
        )
        self.assertEqual(self.household_a.responsible_id, self.child_a)
        self.household_a.with_user(self.agent).responsible_id = responsible
        self.assertEqual(self.household_a.responsible_id, responsible)
        self.assertEqual(self.child_a.household_role, "other")

    def test_birthdate_in_future(self):
        tomorrow = date.today() + timedelta(days=2)
        self.assertRefusedCreate(
            self._counter_values(member={"birthdate": tomorrow}), "in the future"
        )
        child = self.child_a.with_user(self.agent)
        with self.assertRefusal(ValidationError, "in the future"):
            child.write({"birthdate": tomorrow})
        child.invalidate_recordset()
        self.assertEqual(str(child.birthdate), "2015-05-05")

    def test_zip_not_five_digits(self):
        for bad in ("9530", "95 300", "F-95300", "953000"):
            with self.subTest(zip=bad):
                self.assertRefusedCreate(self._counter_values(zip=bad), "five digits")
        household = self.household_a.with_user(self.agent)
        with self.assertRefusal(ValidationError, "five digits"):
            household.write({"zip": "ABCDE"})
        household.invalidate_recordset()
        self.assertEqual(household.zip, "95300")

    def test_bad_email(self):
        self.assertRefusedCreate(self._counter_values(email="camille@"), "not valid")

    def test_member_already_in_another_household(self):
        member_b = self.member_b.with_user(self.agent)
        with self.assertRefusal(UserError, "already belongs to household"):
            member_b.write({"household_id": self.household_a.id})
        self.assertEqual(member_b.household_id, self.household_b)
        with self.assertRefusal(UserError, "already belongs to household"):
            self.household_a.with_user(self.agent).write(
                {"member_ids": [Command.link(self.member_b.id)]}
            )
        self.assertEqual(self.household_a.member_count, 2)

    def test_second_pending_change_is_refused(self):
        household = self.household_a.with_user(self.citizen_a)
        change = household._portal_submit_change({"phone": "01 02 03 04 05"})
        self.assertEqual(change.state, "pending")
        self.assertTrue(household.has_pending_change)
        before = self._counts()
        with self.assertRefusal(UserError, "already waiting"):
            household._portal_submit_change({"phone": "06 00 00 00 00"})
        self.assertEqual(self._counts(), before)
        # The database refuses it too.
        with self.assertRefusal(ValidationError, "already waiting"):
            self.env["collectivite.household.change"].create(
                {"household_id": self.household_a.id, "household_values": {"city": "Cergy"}}
            )

    def test_validation_of_archived_household(self):
        household = self.household_b.with_user(self.manager)
        household.action_archive_household()
        with self.assertRefusal(UserError, "cannot go from"):
            household.action_validate()
        self.assertEqual(household.state, "archived")

    def test_portal_change_with_bad_input_saves_nothing(self):
        household = self.household_a.with_user(self.citizen_a)
        before = self._counts()
        tomorrow = str(date.today() + timedelta(days=3))
        cases = [
            ({"zip": "123"}, [], "five digits"),
            ({"city": ""}, [], "Town"),
            (
                {},
                [
                    {
                        "id": 0,
                        "firstname": "Bébé",
                        "lastname": "Dupuis",
                        "birthdate": tomorrow,
                        "household_role": "child",
                    }
                ],
                "in the future",
            ),
            (
                {},
                [{"id": 0, "firstname": "", "lastname": "Dupuis", "household_role": "child"}],
                "First name",
            ),
            (
                {},
                [
                    {
                        "id": 0,
                        "firstname": "A",
                        "lastname": "B",
                        "birthdate": "31/12/2020",
                        "household_role": "child",
                    }
                ],
                "not a valid date",
            ),
            ({}, [{"id": self.member_b.id, "firstname": "Pirate"}], "not a member"),
            (
                {},
                [{"id": self.child_a.id, "household_role": "responsible"}],
                "already has a responsible",
            ),
            (
                {},
                [{"id": 0, "firstname": "A", "lastname": "B", "household_role": "boss"}],
                "Choose the role",
            ),
            ({"contact_channel": "pigeon"}, [], "Choose a preferred contact channel"),
            ({"zip": "95300"}, [], "did not change anything"),
        ]
        for household_values, members, message in cases:
            with self.subTest(message=message), self.assertRefusal(UserError, message):
                household._portal_submit_change(household_values, members)
        self.assertEqual(self._counts(), before)
        self.assertEqual(self.member_b.firstname, "Bruno")
