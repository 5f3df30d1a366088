"""The due dates and status kept in the tickets' narrow rows, from the
outside: the web client's list, filters, sorting and grouping by due date
and status still work on the ticket (JSON-RPC as the web client sends it);
nobody writes, creates or deletes those rows directly."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.tests.common import JsonRpcMixin

from .common import SlaCaseMixin

DEADLINE = "helpdesk.ticket.sla.deadline"


@tagged("post_install", "-at_install")
class TestSlaDeadlineHttp(SlaCaseMixin, JsonRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        now = fields.Datetime.now()
        Ticket = cls.env["helpdesk.ticket"].with_user(cls.agent)
        cls.late = Ticket.create(
            cls._ticket_vals(cls.resotic, now - timedelta(days=40), is_blocking=True)
        )
        cls.later = Ticket.create(
            cls._ticket_vals(cls.resotic, now - timedelta(days=30), is_blocking=True)
        )
        cls.fresh = Ticket.create(cls._ticket_vals(cls.resotic, now, is_blocking=True))
        cls.tickets = cls.late | cls.later | cls.fresh
        cls.mine = [("id", "in", cls.tickets.ids)]

    def test_list_filter_sort_and_group_by_due_date_and_status(self):
        self.assertEqual(self.late.sla_status, "breached")
        self.assertEqual(self.fresh.sla_status, "on_time")
        self.authenticate("sla_agent", "sla_agent")
        spec = {"sla_status": {}, "date_sla_deadline": {}, "date_response_due": {}}
        answer = self.call_kw(
            "helpdesk.ticket",
            "web_search_read",
            [],
            {
                "domain": [*self.mine, ("sla_status", "=", "breached")],
                "specification": spec,
                "order": "date_sla_deadline desc",
            },
        )
        records = answer["result"]["records"]
        self.assertEqual([r["id"] for r in records], [self.later.id, self.late.id])
        self.assertEqual({r["sla_status"] for r in records}, {"breached"})
        self.assertEqual(
            records[0]["date_sla_deadline"], fields.Datetime.to_string(self.later.date_sla_deadline)
        )
        # a range on a due date, sorted on the status then the due date
        answer = self.call_kw(
            "helpdesk.ticket",
            "web_search_read",
            [],
            {
                "domain": [
                    *self.mine,
                    (
                        "date_sla_deadline",
                        ">=",
                        fields.Datetime.to_string(self.late.date_sla_deadline),
                    ),
                ],
                "specification": spec,
                "order": "sla_status, date_sla_deadline",
            },
        )
        self.assertEqual(
            [r["id"] for r in answer["result"]["records"]],
            [self.late.id, self.later.id, self.fresh.id],
        )
        # grouped by status and by the due date's day, as the list's "Group by"
        answer = self.call_kw(
            "helpdesk.ticket",
            "web_read_group",
            [],
            {"domain": self.mine, "fields": [], "groupby": ["sla_status"]},
        )
        counts = {
            group["sla_status"]: group["sla_status_count"] for group in answer["result"]["groups"]
        }
        self.assertEqual(counts, {"breached": 2, "on_time": 1})
        answer = self.call_kw(
            "helpdesk.ticket",
            "web_read_group",
            [],
            {"domain": self.mine, "fields": [], "groupby": ["date_sla_deadline:day"]},
        )
        self.assertEqual(
            sum(group["date_sla_deadline_count"] for group in answer["result"]["groups"]), 3
        )
        self.assertGreaterEqual(len(answer["result"]["groups"]), 2)

    def test_nobody_writes_the_rows_directly(self):
        row = self.fresh.sla_deadline_id
        deadline = row.date_sla_deadline
        for login in ("sla_agent", "sla_manager", "test.requester1@example.org"):
            self.authenticate(login, login)
            for method, args in (
                ("write", [row.ids, {"sla_status": "met", "date_sla_deadline": False}]),
                ("create", [{"sla_status": "met"}]),
                ("unlink", [row.ids]),
            ):
                with self.subTest(login=login, method=method):
                    name, _message = self.rpc_error(self.call_kw(DEADLINE, method, args))
                    self.assertEqual(name, "odoo.exceptions.AccessError")
            # nor through the ticket
            with self.subTest(login=login, method="ticket write"):
                name, _message = self.rpc_error(
                    self.call_kw(
                        "helpdesk.ticket", "write", [self.fresh.ids, {"sla_status": "met"}]
                    )
                )
                self.assertEqual(name, "odoo.exceptions.AccessError")
        row.invalidate_recordset()
        self.assertTrue(row.exists())
        self.assertEqual(row.sla_status, "on_time")
        self.assertEqual(row.date_sla_deadline, deadline)
        self.assertEqual(
            self.env[DEADLINE].search_count([("sla_status", "=", "met"), ("id", ">", row.id)]), 0
        )
