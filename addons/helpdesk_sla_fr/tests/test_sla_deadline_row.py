"""The due dates and status of a ticket live in a narrow row of their own
(``helpdesk.ticket.sla.deadline``): every ticket has one, including those
that existed before the addon was installed or updated; it follows its
ticket (closing, reopening, copy, deletion); a recompute of the deadlines
rewrites that row only, never the ticket's."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.collectivite_base.markers import server_marks

from .common import SlaCaseMixin, paris

MOVED = ("date_response_due", "date_resolution_due", "date_sla_deadline", "date_sla_at_risk")


@tagged("post_install", "-at_install")
class TestSlaDeadlineRow(SlaCaseMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.admin = new_test_user(cls.env, login="row_admin", groups="base.group_system")
        cls.Deadline = cls.env["helpdesk.ticket.sla.deadline"]
        now = fields.Datetime.now()
        cls.late = (
            cls.env["helpdesk.ticket"]
            .with_user(cls.agent)
            .create(cls._ticket_vals(cls.resotic, now - timedelta(days=30), is_blocking=True))
        )
        cls.fresh = (
            cls.env["helpdesk.ticket"]
            .with_user(cls.agent)
            .create(cls._ticket_vals(cls.resotic, now, is_blocking=True))
        )

    def _rows(self):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT t.id, d.id, t.closed_date IS NULL, d.sla_is_open
                 FROM helpdesk_ticket t
                 LEFT JOIN helpdesk_ticket_sla_deadline d ON d.id = t.sla_deadline_id"""
        )
        return self.env.cr.fetchall()

    def _ctid(self, table, record_id):
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT ctid::text FROM %s WHERE id = %s", SQL.identifier(table), record_id)
        )
        return self.env.cr.fetchone()[0]

    def test_every_ticket_has_its_row_in_step_with_its_closing(self):
        rows = self._rows()
        # helpdesk_mgmt's demo tickets (made before this addon) included
        self.assertGreater(len(rows), 2)
        self.assertEqual([row for row in rows if row[1] is None], [])
        self.assertEqual([row for row in rows if row[2] != row[3]], [])
        self.assertTrue(self.late.sla_deadline_id)
        self.assertEqual(self.late.sla_status, "breached")
        self.assertEqual(self.fresh.sla_status, "on_time")
        self.assertEqual(self.late.sla_deadline_id.sla_status, "breached")

    def test_row_follows_closing_reopening_copy_and_deletion(self):
        ticket = self.fresh.with_user(self.agent)
        ticket.write({"stage_id": self.stage_done.id})
        self.assertTrue(ticket.closed_date)
        self.assertFalse(ticket.sla_is_open)
        self.assertIn(ticket.sla_status, ("met", "breached"))
        ticket.write({"stage_id": self.stage_progress.id})
        self.assertFalse(ticket.closed_date)
        self.assertTrue(ticket.sla_is_open)
        self.assertEqual([row for row in self._rows() if row[2] != row[3]], [])
        # a copy gets a row of its own
        copy = self.late.with_user(self.agent).copy()
        self.assertTrue(copy.sla_deadline_id)
        self.assertNotEqual(copy.sla_deadline_id, self.late.sla_deadline_id)
        # the row goes with its ticket
        row = copy.sla_deadline_id
        copy.with_user(self.manager).unlink()
        self.assertFalse(row.exists())

    def test_recompute_rewrites_the_narrow_row_only(self):
        start = paris(2026, 11, 20, 16, 0)
        with freeze_time(start):
            ticket = (
                self.env["helpdesk.ticket"]
                .with_user(self.agent)
                .create(self._ticket_vals(self.resotic, start, is_blocking=True))
            )
        self.assertEqual(ticket.date_response_due, paris(2026, 11, 23, 11, 30))
        ticket_ctid = self._ctid("helpdesk_ticket", ticket.id)
        row_ctid = self._ctid("helpdesk_ticket_sla_deadline", ticket.sla_deadline_id.id)
        with freeze_time(paris(2026, 11, 20, 17, 0)):
            self.env["resource.calendar.leaves"].with_user(self.admin).create(
                {
                    "name": "Pont",
                    "calendar_id": self.resotic.calendar_id.id,
                    "date_from": paris(2026, 11, 23, 0, 0),
                    "date_to": paris(2026, 11, 24, 0, 0),
                    "time_type": "leave",
                }
            )
            self.assertEqual(ticket._deadline_recompute(), 1)
        self.assertEqual(ticket.date_response_due, paris(2026, 11, 24, 11, 30))
        self.assertEqual(ticket.sla_deadline_id.date_response_due, paris(2026, 11, 24, 11, 30))
        # the ticket's row is untouched (same tuple), its row of due dates rewritten
        self.assertEqual(self._ctid("helpdesk_ticket", ticket.id), ticket_ctid)
        self.assertNotEqual(
            self._ctid("helpdesk_ticket_sla_deadline", ticket.sla_deadline_id.id), row_ctid
        )

    def _back_to_the_old_layout(self, with_old_columns):
        """The ticket table as it was before this version: no row of due
        dates; the due dates and status on the ticket (an earlier version of
        this addon) or nowhere (tickets of helpdesk_mgmt alone)."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """SELECT t.id, t.closed_date IS NULL, d.date_response_due, d.date_resolution_due,
                      d.date_sla_deadline, d.date_sla_at_risk, d.sla_status
                 FROM helpdesk_ticket t JOIN helpdesk_ticket_sla_deadline d
                   ON d.id = t.sla_deadline_id"""
        )
        before = {row[0]: row[1:] for row in cr.fetchall()}
        if with_old_columns:
            cr.execute(
                """ALTER TABLE helpdesk_ticket
                     ADD COLUMN date_response_due timestamp,
                     ADD COLUMN date_resolution_due timestamp,
                     ADD COLUMN date_sla_deadline timestamp,
                     ADD COLUMN date_sla_at_risk timestamp,
                     ADD COLUMN sla_status varchar"""
            )
            cr.execute(
                """UPDATE helpdesk_ticket t
                      SET date_response_due = d.date_response_due,
                          date_resolution_due = d.date_resolution_due,
                          date_sla_deadline = d.date_sla_deadline,
                          date_sla_at_risk = d.date_sla_at_risk,
                          sla_status = d.sla_status
                     FROM helpdesk_ticket_sla_deadline d WHERE d.id = t.sla_deadline_id"""
            )
            cr.execute(
                "CREATE INDEX helpdesk_ticket_old_status_idx ON helpdesk_ticket (sla_status)"
            )
        # the foreign key and the index go with the column
        cr.execute("ALTER TABLE helpdesk_ticket DROP COLUMN sla_deadline_id")
        cr.execute("DELETE FROM helpdesk_ticket_sla_deadline")
        self.env.invalidate_all()
        return before

    def _filled(self):
        cr = self.env.cr
        cr.execute(
            """SELECT t.id, d.sla_is_open, d.date_response_due, d.date_resolution_due,
                      d.date_sla_deadline, d.date_sla_at_risk, d.sla_status
                 FROM helpdesk_ticket t JOIN helpdesk_ticket_sla_deadline d
                   ON d.id = t.sla_deadline_id"""
        )
        return {row[0]: row[1:] for row in cr.fetchall()}

    def test_update_moves_the_due_dates_of_existing_tickets(self):
        """An update from a version that kept the due dates on the ticket:
        one row each, with its values, and the old columns dropped."""
        before = self._back_to_the_old_layout(with_old_columns=True)
        self.env["helpdesk.ticket"]._sla_deadline_fill()
        self.assertEqual(self._filled(), before)
        cr = self.env.cr
        cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'helpdesk_ticket' AND column_name = ANY(%s)""",
            [[*MOVED, "sla_status"]],
        )
        self.assertEqual(cr.fetchall(), [])
        # the new rows' sequence goes on after the filled ones
        with server_marks("sla_internal"):
            row = self.Deadline.create({})
        self.assertGreater(row.id, max(before))

    def test_install_gives_existing_tickets_a_row(self):
        """Tickets of a desk that existed before the addon (helpdesk_mgmt's
        demo, a collectivité's desk): one empty row each, open or not as the
        ticket is."""
        before = self._back_to_the_old_layout(with_old_columns=False)
        self.env["helpdesk.ticket"]._sla_deadline_fill()
        filled = self._filled()
        self.assertEqual(set(filled), set(before))
        self.assertEqual(
            filled, {ticket_id: (values[0], *[None] * 5) for ticket_id, values in before.items()}
        )
