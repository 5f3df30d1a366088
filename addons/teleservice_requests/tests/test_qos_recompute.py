from datetime import datetime

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import TeleserviceCommon


@tagged("post_install", "-at_install")
class TestQosRecompute(TeleserviceCommon):
    """A closure of the mairie moves the quality-of-service dates of the open
    requests whose window overlaps it, in the background, one history line
    each, shown on the request's form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.lang = "fr_FR"
        cls.calendar_admin = new_test_user(
            cls.env, login="qos_calendar_admin", groups="base.group_system", lang="fr_FR"
        )
        cls.Job = cls.env["collectivite.job"]
        cls.Job.search([("state", "in", ("pending", "running"))]).sudo().write({"state": "done"})
        cls.calendar = cls.company.collectivite_calendar_id
        cls.affected = cls._request() | cls._request()
        cls.later = cls._request()
        cls.closed = cls._request()
        cls.affected.date_submitted = cls.monday()
        cls.closed.date_submitted = cls.monday()
        # submitted after the closure: its window does not overlap it
        cls.later.date_submitted = datetime(2026, 3, 9, 9, 0)
        cls.requests = cls.affected | cls.later | cls.closed

    def _run_jobs(self):
        for _run in range(100):
            if not self.Job._cron_run_jobs():
                return
        self.fail("the jobs did not finish")

    def _notes(self, records):
        return self.env["collectivite.deadline.history"]._moves_of(records)

    def _dates(self):
        self.requests.invalidate_recordset()
        return {
            request.id: (request.date_qos_deadline, request.date_qos_alert)
            for request in self.requests
        }

    def test_closure_moves_open_requests(self):
        self.assertEqual(self.affected[0].date_qos_deadline.date(), datetime(2026, 3, 16).date())
        self._force(self.closed, state="validated")
        with freeze_time(datetime(2026, 3, 16, 12, 0)):
            self.env["collectivite.request"]._cron_update_qos()
            self.assertTrue(self.affected[0].is_late)
            before = self._dates()
            # Wednesday 4 March closed (snow day)
            self.env["resource.calendar.leaves"].with_user(self.calendar_admin).create(
                {
                    "name": "Neige",
                    "calendar_id": self.calendar.id,
                    "date_from": datetime(2026, 3, 3, 23, 0),
                    "date_to": datetime(2026, 3, 4, 23, 0),
                    "time_type": "leave",
                }
            )
            self.assertEqual(self._dates(), before)
            self._run_jobs()
        after = self._dates()
        for request in self.affected:
            self.assertEqual(request.date_qos_deadline.date(), datetime(2026, 3, 17).date())
            self.assertGreater(request.date_qos_alert, before[request.id][1])
            # no longer late: the deadline is tomorrow
            self.assertFalse(request.is_late)
        for request in self.later | self.closed:
            self.assertEqual(after[request.id], before[request.id])
        notes = self._notes(self.requests)
        self.assertEqual(sorted(n.res_id for n in notes), sorted(self.affected.ids))
        self.assertEqual({n.field_name for n in notes}, {"date_qos_deadline"})
        # the agent reads it on the request's form, in French and in their timezone
        agent = self.user_manage
        agent.write({"lang": "fr_FR", "tz": "Europe/Paris"})
        html = self.affected[0].with_user(agent).deadline_history_html
        self.assertIn("<td>16/03/2026 10:00</td><td>17/03/2026 10:00</td>", html)
        job = self.Job.search([("user_id", "=", self.calendar_admin.id)])
        self.assertEqual(job.state, "done")
        # a rerun moves nothing and writes no second line
        self.env["resource.calendar.leaves"]._deadline_schedule(
            [[[self.calendar.id], "2026-03-03 23:00:00", "2026-03-04 23:00:00"]]
        )
        self._run_jobs()
        self.assertEqual(self._dates(), after)
        self.assertEqual(len(self._notes(self.requests)), 2)
