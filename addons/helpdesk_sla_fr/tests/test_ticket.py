from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, tagged

from .common import SlaCaseMixin, paris


@tagged("post_install", "-at_install")
class TestSlaTicket(SlaCaseMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()

    def test_resotic_urgent_friday(self):
        """RESOTIC: urgent ticket opened Friday 20 Nov 2026 16:00 is due Monday 11:30."""
        with freeze_time(paris(2026, 11, 20, 16, 0)):
            ticket = self._ticket(self.resotic, paris(2026, 11, 20, 16, 0), is_blocking=True)
        self.assertEqual(ticket.sla_contract_id, self.resotic)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.date_response_due, paris(2026, 11, 23, 11, 30))
        self.assertEqual(ticket.date_sla_deadline, paris(2026, 11, 23, 11, 30))
        # 75 % of 4 working hours: 1.5 h on Friday, 1.5 h on Monday morning,
        # filled in batch by the status cron
        self.assertFalse(ticket.date_sla_at_risk)
        with freeze_time(paris(2026, 11, 20, 16, 5)):
            self.env["helpdesk.ticket"]._cron_sla_escalate()
        self.assertEqual(ticket.date_sla_at_risk, paris(2026, 11, 23, 10, 30))
        self.assertEqual(ticket.sla_status, "on_time")

    def test_resotic_urgent_over_holiday(self):
        """Opened Tuesday 10 Nov 2026 16:00, due Thursday 12 Nov 11:30 (11 Nov off)."""
        ticket = self._ticket(self.resotic, paris(2026, 11, 10, 16, 0), is_blocking=True)
        self.assertEqual(ticket.date_response_due, paris(2026, 11, 12, 11, 30))

    def test_webrsa_days_short_friday(self):
        """WebRSA P1: 2 working days, same local time; Friday closes at 17:00."""
        ticket = self._ticket(
            self.webrsa,
            paris(2026, 11, 18, 17, 15),
            impact="high",
            is_blocking=True,
            partner_id=False,
        )
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.date_resolution_due, paris(2026, 11, 20, 17, 0))

    def test_matrix_priorities_in_batch(self):
        start = paris(2026, 11, 16, 9, 0)
        vals = [
            self._ticket_vals(self.resotic, start, impact=impact, is_blocking=blocking)
            for impact in ("high", "medium", "low")
            for blocking in (True, False)
        ]
        with freeze_time(start):
            tickets = self.env["helpdesk.ticket"].with_user(self.agent).create(vals)
        self.assertEqual(tickets.mapped("priority"), ["3", "2", "3", "1", "3", "0"])
        # 64 working hours for "basse": 6.5 h a day -> the 10th working day
        self.assertEqual(tickets[5].date_response_due.date(), paris(2026, 11, 27, 12, 0).date())
        self.assertTrue(all(t.sla_status == "on_time" for t in tickets))

    def test_evolution_without_deadline(self):
        owner = self.manager
        product = self.env["helpdesk.ticket.product"].create({"name": "GRU", "owner_id": owner.id})
        ticket = self._ticket(
            self.resotic,
            paris(2026, 11, 16, 9, 0),
            ticket_type="evolution",
            product_id=product.id,
        )
        self.assertFalse(ticket.date_sla_deadline)
        self.assertFalse(ticket.sla_status)
        self.assertEqual(ticket.user_id, owner)

    def test_no_contract_plain_ticket(self):
        team = self.env["helpdesk.ticket.team"].create({"name": "Équipe sans contrat"})
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .create(
                {"name": "Question", "description": "<p>?</p>", "team_id": team.id, "priority": "2"}
            )
        )
        self.assertFalse(ticket.sla_contract_id)
        self.assertEqual(ticket.priority, "2")
        ticket.with_user(self.agent).write({"priority": "3"})
        self.assertEqual(ticket.priority, "3")

    def test_requalify_with_reason(self):
        ticket = self._ticket(self.resotic, paris(2026, 11, 16, 9, 0), impact="low")
        self.assertEqual(ticket.priority, "0")
        wizard_form = Form(
            self.env["helpdesk.ticket.requalify"]
            .with_user(self.agent)
            .with_context(active_id=ticket.id, active_model="helpdesk.ticket")
        )
        self.assertEqual(wizard_form.impact, "low")
        wizard_form.is_blocking = True
        wizard_form.reason = "Le service de messagerie est totalement arrêté."
        wizard_form.save().action_confirm()
        self.assertEqual(ticket.priority, "3")
        self.assertTrue(ticket.is_blocking)
        self.assertEqual(ticket.date_response_due, paris(2026, 11, 16, 14, 0) + timedelta(hours=1))
        self.assertIn("totalement arrêté", ticket.message_ids[0].body)

    def test_requalify_without_reason_refused(self):
        ticket = self._ticket(self.resotic, paris(2026, 11, 16, 9, 0), impact="low")
        due = ticket.date_response_due
        wizard = (
            self.env["helpdesk.ticket.requalify"]
            .with_user(self.agent)
            .create({"ticket_id": ticket.id, "impact": "high", "is_blocking": True, "reason": "  "})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(ticket.priority, "0")
        self.assertEqual(ticket.date_response_due, due)

    def test_direct_priority_change_refused(self):
        ticket = self._ticket(self.resotic, paris(2026, 11, 16, 9, 0), impact="low")
        with self.assertRaises(UserError):
            ticket.with_user(self.agent).write({"priority": "3"})
        self.assertEqual(ticket.priority, "0")

    def test_pause_moves_due_dates(self):
        with freeze_time(paris(2026, 11, 16, 9, 0)):
            ticket = self._ticket(self.resotic, paris(2026, 11, 16, 9, 0), impact="medium")
        # "normale": 40 working hours
        due = ticket.date_response_due
        with freeze_time(paris(2026, 11, 16, 10, 0)):
            ticket.with_user(self.agent).write({"stage_id": self.stage_waiting.id})
        self.assertTrue(ticket.date_sla_paused)
        with freeze_time(paris(2026, 11, 16, 15, 0)):
            self.env["helpdesk.ticket"]._cron_sla_escalate()
            ticket.with_user(self.agent).write({"stage_id": self.stage_progress.id})
        self.assertFalse(ticket.date_sla_paused)
        # paused 10:00-15:00: 2 h (10-12) + 1 h (14-15) of working time
        self.assertAlmostEqual(ticket.sla_paused_hours, 3.0, places=4)
        expected = self.resotic.calendar_id.add_working_time([due], 3, "hours")[0]
        self.assertEqual(ticket.date_resolution_due or ticket.date_response_due, expected)

    def test_status_and_close(self):
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            on_time = self._ticket(self.resotic, start, is_blocking=True)
            late = self._ticket(self.resotic, start, is_blocking=True)
        # due 16 Nov 14:00 + 1 h = 15:00; at risk from 14:00
        with freeze_time(paris(2026, 11, 16, 14, 30)):
            self.env["helpdesk.ticket"]._cron_sla_escalate()
            self.assertEqual(on_time.sla_status, "at_risk")
            on_time.with_user(self.agent).write({"stage_id": self.stage_done.id})
            self.assertEqual(on_time.sla_status, "met")
            self.assertEqual(on_time.kpi_resolution_in_time or 0.0, 0.0)
            self.assertEqual(on_time.kpi_response_in_time, 100.0)
            # escalated to level 2 when at risk: not a first-contact resolution
            self.assertEqual(on_time.escalation_level, 2)
            self.assertEqual(on_time.kpi_first_contact, 0.0)
        with freeze_time(paris(2026, 11, 16, 16, 0)):
            self.env["helpdesk.ticket"]._cron_sla_escalate()
            self.assertEqual(late.sla_status, "breached")
            Ticket = self.env["helpdesk.ticket"].with_user(self.agent)
            self.assertIn(late, Ticket.search([("sla_status", "=", "breached")]))
            self.assertNotIn(on_time, Ticket.search([("sla_status", "=", "breached")]))

    def test_first_response_by_message(self):
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            ticket = self._ticket(self.paris, start)
        with freeze_time(paris(2026, 11, 16, 9, 20)):
            ticket.with_user(self.agent).message_post(
                body="Bonjour, nous regardons.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(ticket.date_first_response, paris(2026, 11, 16, 9, 20))
        self.assertEqual(ticket.kpi_response_in_time, 100.0)
        self.assertAlmostEqual(ticket.response_hours, 1 / 3, places=4)

    def test_referents(self):
        organisation = self.env["res.partner"].create(
            {"name": "Département – site de Bobigny", "is_company": True}
        )
        referent = self.env["res.partner"].create(
            {"name": "Rose Référente", "parent_id": organisation.id}
        )
        other = self.env["res.partner"].create(
            {"name": "Paul Agent Local", "parent_id": organisation.id}
        )
        self.webrsa.write(
            {"partner_ids": [(4, organisation.id)], "referent_ids": [(4, referent.id)]}
        )
        Ticket = self.env["helpdesk.ticket"].with_user(self.agent)
        count = Ticket.search_count([])
        with self.assertRaisesRegex(UserError, "Rose Référente"):
            Ticket.create(
                self._ticket_vals(self.webrsa, paris(2026, 11, 16, 9, 0), partner_id=other.id)
            )
        self.assertEqual(Ticket.search_count([]), count)
        ticket = Ticket.create(
            self._ticket_vals(self.webrsa, paris(2026, 11, 16, 9, 0), partner_id=referent.id)
        )
        self.assertEqual(ticket.sla_contract_id, self.webrsa)

    def test_rating_within_days(self):
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            ticket = self._ticket(self.resotic, start)
            ticket.with_user(self.agent).write({"stage_id": self.stage_done.id})
        with freeze_time(start + timedelta(days=7)):
            ticket.with_user(self.requester).action_sla_submit_remark("4", "Merci !")
        self.assertEqual(ticket.sla_rating, "4")

    def test_rating_after_days_refused(self):
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            ticket = self._ticket(self.resotic, start)
            ticket.with_user(self.agent).write({"stage_id": self.stage_done.id})
        with freeze_time(start + timedelta(days=9)), self.assertRaises(UserError):
            ticket.with_user(self.requester).action_sla_submit_remark("1", "Trop tard")
        self.assertFalse(ticket.sla_rating)
        self.assertFalse(ticket.sla_remark)

    def test_acknowledgement_and_closing_mails(self):
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            ticket = self._ticket(self.paris, start)
        self.assertEqual(ticket.sla_mail_pending, "acknowledgement")
        Ticket = self.env["helpdesk.ticket"]
        Ticket._cron_sla_send_mails()
        Ticket._cron_sla_send_mails()
        self.assertFalse(ticket.sla_mail_pending)
        ack = ticket.message_ids.filtered(lambda m: ticket.number in (m.subject or ""))
        self.assertEqual(len(ack), 1)
        ticket.with_user(self.agent).write({"stage_id": self.stage_done.id})
        self.assertEqual(ticket.sla_mail_pending, "closing")
        before = len(ticket.message_ids)
        Ticket._cron_sla_send_mails()
        Ticket._cron_sla_send_mails()
        self.assertEqual(len(ticket.message_ids), before + 1)

    def test_oncall_blocking_hosting_incident(self):
        product = self.env.ref(
            "helpdesk_sla_fr.helpdesk_ticket_product_hosting", raise_if_not_found=False
        )
        if not product:
            product = self.env["helpdesk.ticket.product"].create(
                {"name": "Hébergement", "is_hosting": True}
            )
        self.resotic.oncall_user_id = self.agent
        # Monday 7:00: outside opening hours (9-12, 14-17:30), inside on-call (6-22)
        start = paris(2026, 11, 16, 7, 0)
        ticket = self._ticket(self.resotic, start, is_blocking=True, product_id=product.id)
        self.assertTrue(ticket.is_oncall)
        self.assertEqual(ticket.date_response_due, paris(2026, 11, 16, 11, 0))
        self.assertEqual(ticket.activity_ids.user_id, self.agent)

    def test_reopen_clears_resolution(self):
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            ticket = self._ticket(self.resotic, start, is_blocking=True)
        with freeze_time(paris(2026, 11, 16, 10, 0)):
            ticket.with_user(self.agent).write({"stage_id": self.stage_done.id})
        self.assertEqual(ticket.sla_status, "met")
        self.assertEqual(ticket.kpi_first_contact, 100.0)
        with freeze_time(paris(2026, 11, 16, 11, 0)):
            ticket.with_user(self.agent).write({"stage_id": self.stage_progress.id})
        self.assertFalse(ticket.closed_date)
        self.assertEqual(ticket.sla_status, "on_time")
        self.env.cr.execute(
            "SELECT kpi_first_contact FROM helpdesk_ticket WHERE id = %s", (ticket.id,)
        )
        self.assertIsNone(self.env.cr.fetchone()[0])

    def _closing_messages(self, ticket, before):
        """Messages posted on ``ticket`` since ``before`` other than tracking."""
        return ticket.message_ids.filtered(
            lambda message: message.id not in before.ids and not message.tracking_value_ids
        )

    def test_one_closing_mail_under_contract(self):
        """OCA's closed-stage mail is not sent when the contract sends its own
        closing mail (with the rating link); it still is without contract."""
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            ticket = self._ticket(self.paris, start)
            plain = self._ticket(self.resotic, start)
        self.assertFalse(self.resotic.send_closing_mail)
        self.assertTrue(self.stage_done.mail_template_id)
        Ticket = self.env["helpdesk.ticket"]
        Ticket._cron_sla_send_mails()
        before = ticket.message_ids | plain.message_ids
        (ticket | plain).with_user(self.agent).write({"stage_id": self.stage_done.id})
        self.env.cr.flush()  # tracking, and OCA's stage template, are posted here
        self.assertTrue(self._closing_messages(plain, before))
        self.assertFalse(self._closing_messages(ticket, before))
        Ticket._cron_sla_send_mails()
        closing = self._closing_messages(ticket, before)
        self.assertEqual(len(closing), 1)
        self.assertIn(ticket.get_portal_url().split("?")[0], closing.body)

    def test_team_change_moves_to_the_other_contract(self):
        """A ticket moved to another team takes that team's contract, its matrix
        and due dates (as if opened there), tracked in the chatter."""
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            ticket = self._ticket(self.resotic, start, impact="high", is_blocking=True)
            same = self._ticket(
                self.webrsa, start, impact="high", is_blocking=True, partner_id=False
            )
        self.env.cr.flush()  # the ticket's creation is a transaction of its own
        # an escalation team of the contract keeps the contract
        level2 = self.env.ref("helpdesk_sla_fr.helpdesk_team_resotic_level2")
        due = ticket.date_response_due
        ticket.with_user(self.agent).write({"team_id": level2.id})
        self.assertEqual(ticket.sla_contract_id, self.resotic)
        self.assertEqual(ticket.date_response_due, due)
        with freeze_time(paris(2026, 11, 16, 10, 0)):
            ticket.with_user(self.agent).write({"team_id": self.webrsa.team_id.id})
        self.assertEqual(ticket.sla_contract_id, self.webrsa)
        self.assertEqual(ticket.priority, same.priority)
        self.assertEqual(ticket.date_response_due, same.date_response_due)
        self.assertEqual(ticket.date_resolution_due, same.date_resolution_due)
        self.assertEqual(ticket.sla_status, "on_time")
        self.env.cr.flush()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "helpdesk.ticket"),
                ("mail_message_id.res_id", "=", ticket.id),
                ("field_id.name", "=", "sla_contract_id"),
            ]
        )
        self.assertEqual(tracked.old_value_char, self.resotic.display_name)
        self.assertEqual(tracked.new_value_char, self.webrsa.display_name)

    def test_requester_change_resolves_the_contract(self):
        """A contract bound to organisations: a requester of another one has no
        contract; changing the requester (or back) resolves it again."""
        self.webrsa.partner_ids = self.organisation
        start = paris(2026, 11, 16, 9, 0)
        with freeze_time(start):
            ticket = self._ticket(self.webrsa, start, partner_id=self.other_requester.partner_id.id)
        self.assertFalse(ticket.sla_contract_id)
        self.assertFalse(ticket.date_sla_deadline)
        with freeze_time(paris(2026, 11, 16, 10, 0)):
            ticket.with_user(self.agent).partner_id = self.requester.partner_id
        self.assertEqual(ticket.sla_contract_id, self.webrsa)
        self.assertTrue(ticket.date_resolution_due)
        self.assertEqual(ticket.date_sla_start, start)
        with freeze_time(paris(2026, 11, 16, 11, 0)):
            ticket.with_user(self.agent).partner_id = self.other_requester.partner_id
        self.assertFalse(ticket.sla_contract_id)
        self.assertFalse(ticket.date_sla_deadline)
        self.assertFalse(ticket.sla_status)

    def test_oncall_public_holiday_as_a_sunday(self):
        """The on-call calendar opens 9-10 and 16-17 on a public holiday (11
        November 2026, a Wednesday), as on weekends; regenerating keeps it."""
        oncall = self.resotic.oncall_calendar_id
        self.assertTrue(oncall.has_sunday_holidays)
        holiday = [paris(2026, 11, 11, 0, 0)], [paris(2026, 11, 12, 0, 0)]
        self.assertEqual(oncall.working_time_between(*holiday), [2.0])
        leaves = oncall.global_leave_ids
        oncall._generate_french_holidays(2026, 2026)
        self.assertEqual(oncall.global_leave_ids, leaves)
        self.assertEqual(oncall.working_time_between(*holiday), [2.0])
        product = self.env["helpdesk.ticket.product"].create(
            {"name": "Hébergement des sites", "is_hosting": True}
        )
        # 7:00 on a holiday: outside on-call hours too
        early = self._ticket(
            self.resotic, paris(2026, 11, 11, 7, 0), is_blocking=True, product_id=product.id
        )
        self.assertFalse(early.is_oncall)
        # 9:30: on call; 4 h = 0.5 + 1 on the holiday, 2.5 on Thursday from 6:00
        ticket = self._ticket(
            self.resotic, paris(2026, 11, 11, 9, 30), is_blocking=True, product_id=product.id
        )
        self.assertTrue(ticket.is_oncall)
        self.assertEqual(ticket.date_response_due, paris(2026, 11, 12, 8, 30))
