from unittest.mock import patch

import psycopg2.errors
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SlaCaseMixin, paris


@tagged("post_install", "-at_install")
class TestDeadlineRecompute(SlaCaseMixin, TransactionCase):
    """A closure added on a contract's calendar moves the open tickets whose
    window overlaps it, in the background, one history line per moved due
    date, shown on the ticket's form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.env.company.partner_id.lang = "fr_FR"
        cls.admin = new_test_user(
            cls.env, login="calendar_admin", groups="base.group_system", lang="fr_FR"
        )
        cls.Job = cls.env["collectivite.job"]
        # Other jobs of the database stay out of the counts.
        cls.Job.search([("state", "in", ("pending", "running"))]).sudo().write({"state": "done"})
        with freeze_time(paris(2026, 11, 20, 16, 0)):
            # Friday 16:00, urgent: due Monday 23 Nov 11:30
            cls.friday = cls._create(cls.resotic, paris(2026, 11, 20, 16, 0))
            cls.friday_2 = cls._create(cls.resotic, paris(2026, 11, 20, 16, 30))
            # due on Tuesday 17 Nov: its window ends before the closure
            cls.before = cls._create(cls.resotic, paris(2026, 11, 16, 16, 0))
            # on another calendar (WebRSA), 2 working days: due Tuesday 24 Nov
            cls.other = cls._create(
                cls.webrsa, paris(2026, 11, 20, 10, 0), impact="high", partner_id=False
            )
        cls.tickets = cls.friday | cls.friday_2 | cls.before | cls.other

    @classmethod
    def _create(cls, contract, start, **values):
        values.setdefault("is_blocking", True)
        return (
            cls.env["helpdesk.ticket"]
            .with_user(cls.agent)
            .create(cls._ticket_vals(contract, start, **values))
        )

    def _add_closure(self, day=23, calendar=None):
        return (
            self.env["resource.calendar.leaves"]
            .with_user(self.admin)
            .create(
                {
                    "name": "Pont",
                    "calendar_id": (calendar or self.resotic.calendar_id).id,
                    "date_from": paris(2026, 11, day, 0, 0),
                    "date_to": paris(2026, 11, day + 1, 0, 0),
                    "time_type": "leave",
                }
            )
        )

    def _run_jobs(self, limit=None):
        for _run in range(100):
            if not self.Job._cron_run_jobs(limit):
                return
        self.fail("the jobs did not finish")

    def _notes(self, tickets):
        """The history lines of ``tickets`` (one per moved due date)."""
        return self.env["collectivite.deadline.history"]._moves_of(tickets)

    def _snapshot(self):
        self.tickets.invalidate_recordset()
        return {
            ticket.id: (
                ticket.date_response_due,
                ticket.date_resolution_due,
                ticket.date_sla_deadline,
                ticket.sla_status,
            )
            for ticket in self.tickets
        }

    def test_closure_moves_affected_tickets_only(self):
        self.assertEqual(self.friday.date_response_due, paris(2026, 11, 23, 11, 30))
        before = self._snapshot()
        cron = self.env.ref("collectivite_base.ir_cron_collectivite_job")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with freeze_time(paris(2026, 11, 20, 17, 0)):
            self._add_closure()
            # the save returns at once: a job waits for the scheduled action
            job = self.Job.search([("user_id", "=", self.admin.id)])
            self.assertEqual(len(job), 1)
            self.assertEqual(job.state, "pending")
            self.assertEqual(
                self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
                triggers + 1,
            )
            self.assertEqual(self._snapshot(), before)
            self._run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.progress, 100)
        self.assertIn("2 échéance(s) déplacée(s)", job.result)
        # Monday is closed: 4 working hours from Friday 16:00 end on Tuesday 11:30
        self.assertEqual(self.friday.date_response_due, paris(2026, 11, 24, 11, 30))
        self.assertEqual(self.friday.date_sla_deadline, paris(2026, 11, 24, 11, 30))
        self.assertEqual(self.friday_2.date_response_due, paris(2026, 11, 24, 12, 0))
        after = self._snapshot()
        for ticket in self.before | self.other:
            self.assertEqual(after[ticket.id], before[ticket.id])
        notes = self._notes(self.tickets)
        self.assertEqual({n.res_id for n in notes}, set((self.friday | self.friday_2).ids))
        (note,) = (
            n for n in notes if n.res_id == self.friday.id and n.field_name == "date_response_due"
        )
        self.assertEqual(
            (note.date_old, note.date_new),
            (paris(2026, 11, 23, 11, 30), paris(2026, 11, 24, 11, 30)),
        )
        # the agent reads it on the ticket's form, in French and in their timezone
        self.agent.write({"lang": "fr_FR", "tz": "Europe/Paris"})
        as_agent = self.friday.with_user(self.agent).with_context(lang="fr_FR")
        html = as_agent.deadline_history_html
        self.assertIn("<td>Première réponse attendue le</td><td>23/11/2026 11:30</td>", html)
        self.assertIn("24/11/2026 11:30", html)
        self.assertIn("Échéances recalculées après une modification", html)
        self.assertFalse(self.other.with_user(self.agent).deadline_history_html)
        # the user who added the closure is told: on screen and in the inbox
        message = self.env["mail.message"].search(
            [
                ("model", "=", "collectivite.job"),
                ("res_id", "=", job.id),
                ("partner_ids", "in", self.admin.partner_id.ids),
            ]
        )
        self.assertIn(self.admin.partner_id, message.partner_ids)
        self.env.cr.flush()  # the bus notifications are written at commit
        self.assertTrue(
            self.env["bus.bus"].search_count(
                [
                    ("channel", "like", f'"res.partner",{self.admin.partner_id.id}]'),
                    ("message", "like", "simple_notification"),
                ]
            )
        )

    def test_rerun_is_idempotent(self):
        with freeze_time(paris(2026, 11, 20, 17, 0)):
            leave = self._add_closure()
            self._run_jobs()
            moved = self._snapshot()
            notes = self._notes(self.tickets)
            self.assertTrue(notes)
            # the same change again: nothing moves, no second line
            leave._deadline_schedule(leave._deadline_changes())
            self._run_jobs()
        self.assertEqual(self._snapshot(), moved)
        self.assertEqual(self._notes(self.tickets), notes)

    def test_removing_the_closure_moves_back(self):
        with freeze_time(paris(2026, 11, 20, 17, 0)):
            leave = self._add_closure()
            self._run_jobs()
            leave.with_user(self.admin).unlink()
            self._run_jobs()
        self.assertEqual(self.friday.date_response_due, paris(2026, 11, 23, 11, 30))
        response = [n for n in self._notes(self.friday) if n.field_name == "date_response_due"]
        self.assertEqual(
            sorted((n.date_old, n.date_new) for n in response),
            sorted(
                [
                    (paris(2026, 11, 23, 11, 30), paris(2026, 11, 24, 11, 30)),
                    (paris(2026, 11, 24, 11, 30), paris(2026, 11, 23, 11, 30)),
                ]
            ),
        )
        # a deleted ticket's history goes with it
        self.friday.with_user(self.manager).unlink()
        self.assertFalse(self._notes(self.friday))

    def test_killed_mid_way_then_rerun(self):
        """A batch interrupted after its history was written leaves nothing
        behind; the next run finishes, one line per moved due date."""
        Ticket = type(self.env["helpdesk.ticket"])
        original = Ticket._deadline_recompute_chunk
        calls = []

        def interrupted(records, rows, terms, statements):
            moved = original(records, rows, terms, statements)
            statements.wait()  # the statement storing the chunk ran
            calls.append(len(rows))
            if len(calls) == 2:
                raise psycopg2.errors.SerializationFailure("killed")
            return moved

        with freeze_time(paris(2026, 11, 20, 17, 0)):
            self._add_closure()
            job = self.Job.search([("user_id", "=", self.admin.id)])
            with patch.object(Ticket, "_deadline_recompute_chunk", interrupted):
                self.Job._cron_run_jobs(limit=1)
                with self.assertRaises(psycopg2.errors.SerializationFailure):
                    self.Job._cron_run_jobs(limit=1)
            self.assertEqual(job.state, "running")
            self.assertEqual(job.done_count, 1)
            # counted with the first batch
            Tickets = self.env["helpdesk.ticket"]
            candidates = Tickets._deadline_changes_domain(job.payload["changes"])
            self.assertGreater(job.total_count, 1)
            self.assertEqual(job.total_count, Tickets.search_count(candidates))
            self._run_jobs(limit=1)
        self.assertEqual(job.state, "done")
        notes = self._notes(self.tickets)
        self.assertEqual({n.res_id for n in notes}, set((self.friday | self.friday_2).ids))
        moved = [(n.res_id, n.field_name) for n in notes]
        self.assertEqual(len(moved), len(set(moved)))

    def test_opening_hours_change(self):
        """Opening at 8:00 instead of 9:00 on Mondays moves Friday's ticket."""
        calendar = self.resotic.calendar_id
        monday = calendar.attendance_ids.filtered(lambda a: a.dayofweek == "0" and a.hour_from == 9)
        with freeze_time(paris(2026, 11, 20, 17, 0)):
            monday.with_user(self.admin).hour_from = 8
            self._run_jobs()
        self.assertEqual(self.friday.date_response_due, paris(2026, 11, 23, 10, 30))
        # its start (Monday 16 Nov 16:00) is after the new opening: unchanged
        self.assertEqual(self.before.date_response_due, paris(2026, 11, 17, 11, 30))
        self.assertTrue(self._notes(self.friday))

    def test_failure_is_reported(self):
        Ticket = type(self.env["helpdesk.ticket"])

        def broken(records, rows, terms, statements):
            raise UserError("Calendrier illisible.")  # pylint: disable=translation-required

        with freeze_time(paris(2026, 11, 20, 17, 0)):
            self._add_closure()
            before = self._snapshot()
            with patch.object(Ticket, "_deadline_recompute_chunk", broken):
                self._run_jobs()
        job = self.Job.search([("user_id", "=", self.admin.id)])
        self.assertEqual(job.state, "failed")
        self.assertEqual(job.result, "Calendrier illisible.")
        self.assertEqual(self._snapshot(), before)
        self.assertFalse(self._notes(self.tickets))
        message = self.env["mail.message"].search(
            [
                ("model", "=", "collectivite.job"),
                ("res_id", "=", job.id),
                ("partner_ids", "in", self.admin.partner_id.ids),
            ]
        )
        self.assertIn("Calendrier illisible.", message.body)
        self.assertIn(self.admin.partner_id, message.partner_ids)

    def test_unrelated_changes_start_nothing(self):
        """A closure after every open window, an employee's own time off or a
        calendar no ticket runs on start no job; one save is one job."""
        Leave = self.env["resource.calendar.leaves"].with_user(self.admin)
        with freeze_time(paris(2026, 11, 20, 17, 0)):
            self._add_closure(
                day=23,
                calendar=self.env["resource.calendar"].create(
                    {"name": "Calendrier sans ticket", "tz": "Europe/Paris"}
                ),
            )
            Leave.create(
                {
                    "name": "Fermeture estivale",
                    "calendar_id": self.resotic.calendar_id.id,
                    "date_from": paris(2027, 8, 2, 0, 0),
                    "date_to": paris(2027, 8, 16, 0, 0),
                    "time_type": "leave",
                }
            )
            resource = self.env["resource.resource"].create(
                {"name": "Agathe", "calendar_id": self.resotic.calendar_id.id}
            )
            Leave.create(
                {
                    "name": "Congé d'Agathe",
                    "calendar_id": self.resotic.calendar_id.id,
                    "resource_id": resource.id,
                    "date_from": paris(2026, 11, 23, 0, 0),
                    "date_to": paris(2026, 11, 24, 0, 0),
                    "time_type": "leave",
                }
            )
            self.assertFalse(self.Job.search([("user_id", "=", self.admin.id)]))
            # two opening periods changed in one save: one job
            calendar = self.resotic.calendar_id.with_user(self.admin)
            mondays = calendar.attendance_ids.filtered(lambda a: a.dayofweek == "0")
            calendar.write(
                {
                    "attendance_ids": [
                        (1, mondays[0].id, {"hour_from": 8}),
                        (1, mondays[1].id, {"hour_to": 18}),
                    ]
                }
            )
            job = self.Job.search([("user_id", "=", self.admin.id)])
            self.assertEqual(len(job), 1)
            self._run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(self.friday.date_response_due, paris(2026, 11, 23, 10, 30))

    def test_unexpected_error_is_reported(self):
        Ticket = type(self.env["helpdesk.ticket"])

        def broken(records, rows, terms, statements):
            raise ZeroDivisionError("division by zero")

        with freeze_time(paris(2026, 11, 20, 17, 0)):
            self._add_closure()
            with (
                patch.object(Ticket, "_deadline_recompute_chunk", broken),
                mute_logger("odoo.addons.collectivite_base.models.collectivite_job"),
            ):
                self._run_jobs()
        job = self.Job.search([("user_id", "=", self.admin.id)])
        self.assertEqual(job.state, "failed")
        self.assertEqual(job.result, "Erreur inattendue\u00a0: division by zero")
