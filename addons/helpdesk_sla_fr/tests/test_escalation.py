from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common import SlaCaseMixin, paris


@tagged("post_install", "-at_install")
class TestSlaEscalation(SlaCaseMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.level2 = cls.env.ref("helpdesk_sla_fr.helpdesk_team_resotic_level2")
        cls.level3 = cls.env.ref("helpdesk_sla_fr.helpdesk_team_resotic_level3")
        cls.level2.user_id = cls.manager
        cls.level3.user_id = cls.manager
        start = paris(2026, 11, 20, 16, 0)
        with freeze_time(start):
            cls.tickets = (
                cls.env["helpdesk.ticket"]
                .with_user(cls.agent)
                .create([cls._ticket_vals(cls.resotic, start, is_blocking=True) for _i in range(3)])
            )
            cls.calm = (
                cls.env["helpdesk.ticket"]
                .with_user(cls.agent)
                .create(cls._ticket_vals(cls.resotic, start, impact="low"))
            )

    def _escalation_mails(self):
        return self.env["mail.mail"].search_count([("subject", "ilike", "escalated")]) + self.env[
            "mail.mail"
        ].search_count([("subject", "ilike", "escalad")])

    def _notes(self):
        return self.env["mail.message"].search_count(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", self.tickets.ids),
                ("author_id", "=", self.env.ref("base.partner_root").id),
                ("message_type", "=", "notification"),
            ]
        )

    def test_cron_twice_no_double_notification(self):
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time(paris(2026, 11, 23, 9, 30)):
            Ticket._cron_sla_escalate()
        self.assertEqual(set(self.tickets.mapped("sla_status")), {"on_time"})
        self.assertEqual(self._escalation_mails(), 0)
        # Monday 10:45: 3.25 of 4 working hours elapsed -> at risk -> level 2
        with freeze_time(paris(2026, 11, 23, 10, 45)):
            Ticket._cron_sla_escalate()
            Ticket._cron_sla_escalate()
        self.assertEqual(set(self.tickets.mapped("sla_status")), {"at_risk"})
        self.assertEqual(set(self.tickets.mapped("escalation_level")), {2})
        self.assertEqual(set(self.tickets.mapped("team_id").ids), {self.level2.id})
        self.assertEqual(self._escalation_mails(), 1)  # one digest for the level
        self.assertEqual(self._notes(), 3)  # one note per ticket
        self.assertEqual(self.calm.escalation_level, 1)
        # Monday 12:00: past 11:30 -> breached -> level 3, once
        with freeze_time(paris(2026, 11, 23, 12, 0)):
            Ticket._cron_sla_escalate()
            Ticket._cron_sla_escalate()
        self.assertEqual(set(self.tickets.mapped("sla_status")), {"breached"})
        self.assertEqual(set(self.tickets.mapped("escalation_level")), {3})
        self.assertEqual(self._escalation_mails(), 2)
        self.assertEqual(self._notes(), 6)
        self.assertEqual(self.calm.escalation_level, 1)

    def test_cron_batches(self):
        """A batch smaller than the work leaves the rest for the next run."""
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time(paris(2026, 11, 23, 12, 0)):
            Ticket._cron_sla_escalate(limit=2)
            self.assertEqual(sorted(self.tickets.mapped("escalation_level")), [1, 3, 3])
            Ticket._cron_sla_escalate(limit=2)
            Ticket._cron_sla_escalate(limit=2)
        self.assertEqual(set(self.tickets.mapped("escalation_level")), {3})
        self.assertEqual(self._notes(), 3)

    def test_at_risk_fill_in_batches(self):
        """The at-risk fill handles a bounded batch a run, the rest is remaining."""
        Ticket = self.env["helpdesk.ticket"]
        tickets = self.tickets | self.calm
        self.assertFalse(any(tickets.mapped("date_sla_at_risk")))
        progress = []
        Cron = type(self.env["ir.cron"])
        with (
            freeze_time(paris(2026, 11, 20, 16, 5)),
            patch.object(Cron, "_notify_progress", lambda _s, **kw: progress.append(kw)),
        ):
            Ticket._cron_sla_escalate(limit=3)
            self.assertEqual(len(tickets.filtered("date_sla_at_risk")), 3)
            self.assertEqual(progress[-1], {"done": 3, "remaining": 1})
            Ticket._cron_sla_escalate(limit=3)
            self.assertTrue(all(tickets.mapped("date_sla_at_risk")))
            self.assertEqual(progress[-1], {"done": 1, "remaining": 0})
            Ticket._cron_sla_escalate(limit=3)
            self.assertEqual(progress[-1], {"done": 0, "remaining": 0})
