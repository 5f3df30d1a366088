"""The history of a ticket's recomputed due dates from the outside: the
agent reads it on the ticket's form (JSON-RPC as the web client does), in
French and in their timezone; nobody reads, writes or adds lines directly,
and a user who cannot read the ticket cannot read its history."""

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.tests.common import JsonRpcMixin

from .common import SlaCaseMixin, paris

HISTORY = "collectivite.deadline.history"


@tagged("post_install", "-at_install")
class TestDeadlineHistoryHttp(SlaCaseMixin, JsonRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.agent.write({"lang": "fr_FR", "tz": "Europe/Paris"})
        cls.outsider = new_test_user(cls.env, login="sla_outsider", groups="base.group_user")
        cls.ticket = cls.env["helpdesk.ticket"].create(
            cls._ticket_vals(cls.resotic, paris(2026, 11, 20, 16, 0))
        )
        cls.env[HISTORY]._insert(
            "helpdesk.ticket",
            {
                cls.ticket.id: {
                    "date_resolution_due": (
                        paris(2026, 11, 23, 11, 30),
                        paris(2026, 11, 24, 11, 30),
                    )
                }
            },
        )
        cls.line = cls.env[HISTORY].search([("res_model", "=", "helpdesk.ticket")])

    def test_agent_reads_history_on_the_form(self):
        self.authenticate("sla_agent", "sla_agent")
        answer = self.call_kw(
            "helpdesk.ticket",
            "web_read",
            [self.ticket.ids],
            {"specification": {"deadline_history_html": {}}},
            context={"tz": "Europe/Paris"},
        )
        html = answer["result"][0]["deadline_history_html"]
        self.assertIn(
            "<td>Résolution attendue le</td><td>23/11/2026 11:30</td><td>24/11/2026 11:30</td>",
            html,
        )

    def test_history_is_the_servers_own(self):
        for login in ("sla_agent", "sla_outsider"):
            self.authenticate(login, login)
            for method, args in (
                ("search_read", [[("res_model", "=", "helpdesk.ticket")], ["moves"]]),
                ("read", [self.line.ids, ["moves"]]),
                ("write", [self.line.ids, {"moves": {"ids": [], "fields": {}}}]),
                ("unlink", [self.line.ids]),
                (
                    "create",
                    [
                        {
                            "res_model": "helpdesk.ticket",
                            "block": self.ticket.id // 256,
                            "date": "2030-01-01 00:00:00",
                            "moves": {"ids": [self.ticket.id], "fields": {}},
                        }
                    ],
                ),
            ):
                with self.subTest(login=login, method=method):
                    name, _message = self.rpc_error(self.call_kw(HISTORY, method, args))
                    self.assertEqual(name, "odoo.exceptions.AccessError")
        # a user who cannot read the ticket cannot read its history through it
        name, _message = self.rpc_error(
            self.call_kw(
                "helpdesk.ticket",
                "web_read",
                [self.ticket.ids],
                {"specification": {"deadline_history_html": {}}},
            )
        )
        self.assertEqual(name, "odoo.exceptions.AccessError")
        lines = self.env[HISTORY].search([("res_model", "=", "helpdesk.ticket")])
        self.assertEqual(lines, self.line)
        (move,) = self.env[HISTORY]._moves_of(self.ticket)
        self.assertEqual(move.date_new, paris(2026, 11, 24, 11, 30))
