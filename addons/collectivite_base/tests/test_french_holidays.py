"""French public holidays as calendar leaves: generation, Alsace-Moselle,
idempotence, the button and the yearly cron.

The suite decides which days are closed; the labels are the ``holidays`` package's
wording (it changes between releases: "Saint Étienne" became "Saint-Étienne"), so
these tests assert days, never labels.
"""

from datetime import date, datetime
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import RESOTIC_WINDOWS, make_calendar, paris, to_paris

# The public holidays of France in 2026 (Easter Sunday is 5 April).
NATIONAL_2026 = {
    date(2026, 1, 1),  # New Year's Day
    date(2026, 4, 6),  # Easter Monday
    date(2026, 5, 1),  # Labour Day
    date(2026, 5, 8),  # Victory in Europe Day
    date(2026, 5, 14),  # Ascension Day
    date(2026, 5, 25),  # Whit Monday
    date(2026, 7, 14),  # National Day
    date(2026, 8, 15),  # Assumption
    date(2026, 11, 1),  # All Saints' Day
    date(2026, 11, 11),  # Armistice
    date(2026, 12, 25),  # Christmas
}
# The local-law days of Alsace-Moselle.
GOOD_FRIDAY_2026 = date(2026, 4, 3)
SAINT_STEPHEN_2026 = date(2026, 12, 26)


@tagged("post_install", "-at_install")
class TestFrenchHolidays(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = make_calendar(cls.env, "Mairie", RESOTIC_WINDOWS, has_french_holidays=True)
        cls.agent = new_test_user(
            cls.env, login="fh_agent", groups="collectivite_base.collectivite_group_agent"
        )

    def _holidays(self, calendar=None):
        return (
            (calendar or self.calendar)
            .leave_ids.filtered(lambda leave: not leave.resource_id)
            .sorted("date_from")
        )

    def _days(self, calendar=None):
        """Local (Paris) dates of the generated holidays, one per leave."""
        return [to_paris(leave.date_from).date() for leave in self._holidays(calendar)]

    def _leave_of(self, day, calendar=None):
        return self._holidays(calendar).filtered(
            lambda leave: to_paris(leave.date_from).date() == day
        )

    def test_generate_one_year(self):
        self.calendar._generate_french_holidays(2026, 2026)
        leaves = self._holidays()
        self.assertEqual(len(leaves), 11)
        self.assertEqual(set(self._days()), NATIONAL_2026)
        self.assertTrue(all(leaves.mapped("is_french_holiday")))
        # each day carries the package's French label, whatever its wording
        self.assertTrue(all(leaves.mapped("name")))
        armistice = self._leave_of(date(2026, 11, 11))
        # the whole local day, stored in UTC
        self.assertEqual(armistice.date_from, paris(2026, 11, 11, 0, 0))
        self.assertEqual(armistice.date_to, paris(2026, 11, 12, 0, 0))
        self.assertEqual(armistice.date_from, datetime(2026, 11, 10, 23, 0))
        # summer time: UTC+2
        national = self._leave_of(date(2026, 7, 14))
        self.assertEqual(national.date_from, datetime(2026, 7, 13, 22, 0))
        self.assertEqual(self.calendar.french_holidays_until, 2026)

    def test_idempotent_and_manual_leaves_kept(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Fête nationale (saisie à la main)",
                "calendar_id": self.calendar.id,
                "date_from": paris(2026, 7, 14, 0, 0),
                "date_to": paris(2026, 7, 14, 23, 59),
            }
        )
        self.calendar._generate_french_holidays(2026, 2027)
        count = len(self._holidays())
        self.assertEqual(count, 22)  # 11 + 11, 14 July 2026 already there
        self.calendar._generate_french_holidays(2026, 2027)
        self.calendar.action_generate_french_holidays()
        self.calendar.action_generate_french_holidays()
        this_year = date.today().year
        expected_years = set(range(this_year - 1, this_year + 3)) | {2026, 2027}
        leaves = self._holidays()
        self.assertEqual(len(leaves), 11 * len(expected_years))
        days = [leave.date_from for leave in leaves]
        self.assertEqual(len(days), len(set(days)))

    def test_alsace_moselle(self):
        self.calendar.is_alsace_moselle = True
        self.calendar._generate_french_holidays(2026, 2026)
        days = self._days()
        self.assertEqual(len(days), 13)
        self.assertEqual(set(days), NATIONAL_2026 | {GOOD_FRIDAY_2026, SAINT_STEPHEN_2026})
        # Good Friday 3 April 2026 is closed: Thursday 16:00 + 4 h -> Monday
        # 6 April is Easter Monday -> Tuesday 7 April 11:30
        self.assertEqual(
            self.calendar.add_working_time([paris(2026, 4, 2, 16, 0)], 4, "hours"),
            [paris(2026, 4, 7, 11, 30)],
        )
        # dropping the option removes the local-law days on the next generation
        self.calendar.is_alsace_moselle = False
        self.calendar._generate_french_holidays(2026, 2026)
        days = self._days()
        self.assertEqual(len(days), 11)
        self.assertEqual(set(days), NATIONAL_2026)

    def test_button_needs_the_option_and_the_rights(self):
        calendar = make_calendar(self.env, "Sans fériés", RESOTIC_WINDOWS)
        with self.assertRaises(UserError):
            calendar.action_generate_french_holidays()
        self.assertFalse(self._holidays(calendar))
        with self.assertRaises(AccessError):
            self.calendar.with_user(self.agent).action_generate_french_holidays()
        self.assertFalse(self._holidays())

    def test_cron_extends_in_batches_and_twice_changes_nothing(self):
        other = make_calendar(
            self.env, "Alsace", RESOTIC_WINDOWS, has_french_holidays=True, is_alsace_moselle=True
        )
        (self.calendar | other)._generate_french_holidays(2025, 2026)
        cron = self.env.ref("collectivite_base.ir_cron_extend_french_holidays")
        self.assertEqual(cron.interval_type, "months")
        self.assertEqual(cron.interval_number, 12)
        Calendar = self.env["resource.calendar"]
        this_year = date.today().year
        with patch.object(type(self.env["ir.cron"]), "_notify_progress") as progress:
            Calendar._cron_extend_french_holidays()
        progress.assert_called_once()
        self.assertEqual(progress.call_args.kwargs["remaining"], 0)
        self.assertEqual(self.calendar.french_holidays_until, this_year + 2)
        self.assertEqual(other.french_holidays_until, this_year + 2)
        counts = (len(self._holidays()), len(self._holidays(other)))
        years = len(set(range(2025, this_year + 3)))
        self.assertEqual(counts, (11 * years, 13 * years))
        with patch.object(type(self.env["ir.cron"]), "_notify_progress") as progress:
            Calendar._cron_extend_french_holidays()
        self.assertEqual(progress.call_args.kwargs, {"done": 0, "remaining": 0})
        self.assertEqual((len(self._holidays()), len(self._holidays(other))), counts)
