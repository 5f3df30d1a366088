from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import Form, tagged

from .common import TeleserviceCommon


@tagged("post_install", "-at_install")
class TestQualityOfService(TeleserviceCommon):
    def test_deadline_in_working_days_batched(self):
        Calendar = type(self.env["resource.calendar"])
        original = Calendar.add_working_time
        calls = []

        def spy(calendar, starts, amount, unit):
            calls.append((len(starts), amount, unit))
            return original(calendar, starts, amount, unit)

        requests = self.env["collectivite.request"]
        for _index in range(5):
            requests |= self._request(submit=False)
        with patch.object(Calendar, "add_working_time", spy):
            requests.write({"date_submitted": self.monday()})
            requests.flush_recordset()
        # one call for the deadlines and one for the alerts, whatever the number of requests
        self.assertEqual(calls, [(5, 10, "days"), (5, 7, "days")])
        calendar = self.company.collectivite_calendar_id
        expected = calendar.add_working_time([self.monday()], 10, "days")[0]
        self.assertEqual(requests[0].date_qos_deadline, expected)
        # 10 working days from a Monday without holiday: two weeks later
        self.assertEqual(requests[0].date_qos_deadline.date(), datetime(2026, 3, 16).date())
        self.assertLess(requests[0].date_qos_alert, requests[0].date_qos_deadline)

    def test_settings_default_delay(self):
        self.teleservice_other.qos_delay_days = 0
        self.env["ir.config_parameter"].set_param("teleservice_requests.qos_delay_days", "5")
        request = self._request(self.teleservice_other, submit=False, household_id=False)
        request.date_submitted = self.monday()
        self.assertEqual(request.date_qos_deadline.date(), datetime(2026, 3, 9).date())

    def test_legal_deadline(self):
        self.teleservice.write({"legal_regime": "acceptance", "legal_delay_months": 2})
        request = self._request(submit=False)
        request.date_submitted = self.monday()
        self.assertEqual(request.date_legal_decision, datetime(2026, 5, 2).date())
        self.assertLess(request.date_legal_alert, datetime(2026, 5, 2))
        # its alert makes the request urgent, like the quality-of-service one
        self.teleservice.qos_delay_days = 60
        open_request = self._request()
        self._force(open_request, date_legal_alert=fields.Datetime.now() - timedelta(hours=1))
        self.env["collectivite.request"]._cron_update_qos()
        self.assertTrue(open_request.is_urgent)
        self.assertFalse(open_request.is_late)

    def test_cron_flags_idempotent(self):
        now = fields.Datetime.now()
        late = self._request()
        urgent = self._request()
        on_time = self._request()
        closed = self._request()
        late.date_submitted = now - timedelta(days=30)
        urgent.write({"date_submitted": now})
        self._force(urgent, date_qos_alert=now - timedelta(hours=1))
        closed.date_submitted = now - timedelta(days=30)
        self._force(closed, state="closed")
        Request = self.env["collectivite.request"]
        self.assertEqual(Request._cron_update_qos(), 0)
        self.assertTrue(late.is_late and late.is_urgent)
        self.assertTrue(urgent.is_urgent)
        self.assertFalse(urgent.is_late)
        self.assertFalse(on_time.is_urgent or on_time.is_late)
        self.assertFalse(closed.is_late)
        write_date = late.write_date
        self.assertEqual(Request._cron_update_qos(), 0)
        self.assertEqual(late.write_date, write_date)

    def test_dashboard_counts_and_lists(self):
        first = self._request()
        second = self._request()
        self._request(self.teleservice_other, household_id=False)
        second.with_user(self.user_write).action_start()
        first.date_submitted = fields.Datetime.now() - timedelta(days=30)
        self.env["collectivite.request"]._cron_update_qos()
        tiles = self.env["collectivite.request.dashboard"].with_user(self.user_write).search([])
        Request = self.env["collectivite.request"].with_user(self.user_write)
        lists = {}
        for tile in tiles:
            action = tile.action_open_requests()
            lists[tile.code] = Request.search(action["domain"])
            self.assertEqual(tile.request_count, len(lists[tile.code]))
        self.assertIn(first, lists["late"])
        self.assertIn(first, lists["new"])
        self.assertNotIn(second, lists["new"])
        self.assertEqual(lists["mine"], second)
        # an agent without rights on the category sees none of them
        for tile in tiles.with_user(self.user_none):
            domain = tile.action_open_requests()["domain"]
            seen = self.env["collectivite.request"].with_user(self.user_none).search(domain)
            self.assertFalse((first | second) & seen)

    def test_multi_criteria_search(self):
        request = self._request()
        Request = self.env["collectivite.request"].with_user(self.user_write)
        self.assertEqual(Request.search([("name", "ilike", request.name[-6:])]), request)
        self.assertIn(request, Request.search([("requester_name", "ilike", "testeuse")]))
        self.assertIn(request, Request.search([("subject_name", "ilike", "léo")]))
        self.assertIn(request, Request.search([("household_id", "ilike", self.household.name)]))
        self.assertIn(
            request,
            Request.search(
                [
                    ("date_submitted", ">=", fields.Datetime.now() - timedelta(days=1)),
                    ("category_id", "=", self.category.id),
                    ("state", "=", "pending"),
                ]
            ),
        )

    def test_statistics_pivot(self):
        for _index in range(3):
            self._request()
        domain = [("is_manageable", "=", True), ("teleservice_id", "=", self.teleservice.id)]
        groups = (
            self.env["collectivite.request"]
            .with_user(self.user_manage)
            .read_group(
                domain,
                ["__count"],
                ["teleservice_id", "date_submitted:month", "state"],
                lazy=False,
            )
        )
        self.assertEqual(sum(group["__count"] for group in groups), 3)
        self.assertEqual(groups[0]["state"], "pending")
        nothing = (
            self.env["collectivite.request"]
            .with_user(self.user_read)
            .read_group(domain, ["__count"], ["state"], lazy=False)
        )
        self.assertFalse(nothing)

    def test_settings(self):
        admin = self.env.ref("base.user_admin")
        form = Form(self.env["res.config.settings"].with_user(admin))
        self.assertEqual(form.teleservice_qos_delay_days, 10)
        form.teleservice_qos_delay_days = 12
        form.teleservice_lock_minutes = 45
        form.teleservice_qos_digest_mode = "summary"
        form.save().execute()
        params = self.env["ir.config_parameter"]
        self.assertEqual(params.get_param("teleservice_requests.qos_delay_days"), "12")
        self.assertEqual(params.get_param("teleservice_requests.lock_minutes"), "45")
        self.assertEqual(self.env["collectivite.teleservice"]._qos_defaults(), (12, 3))
