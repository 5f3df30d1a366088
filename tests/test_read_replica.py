"""The citizen's list pages, the agents' dashboards, searches and statistics can
be served by a PostgreSQL read replica (Odoo 18's ``db_replica_host``).

Odoo opens a read-only cursor (on the replica when one is configured) for the
routes declared ``readonly`` and, through ``/web/dataset/call_kw``, for the
methods declared ``@api.readonly``. In tests, a read-only cursor is a
transaction in ``READ ONLY`` mode: a route that writes fails and is retried on
the primary with a warning of ``odoo.http`` ("retrying with a read/write
cursor"). These tests fetch each page as its user would and fail on that
warning; the real replica is proved by ``make bench`` (scenario ``load``).
"""

import json
import logging
import threading
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, new_test_user

from odoo.addons.household_accounts.tests.common import HouseholdCaseMixin

RETRY = "retrying with a read/write cursor"


class TestReadReplica(HouseholdCaseMixin, HttpCase):
    # Outside an addon, Odoo's test metaclass does not tag the class: say it here.
    test_tags = {"standard", "post_install"}
    test_module = "collectivite_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_household_data()
        cls.request_agent = new_test_user(
            cls.env,
            login="rr_agent",
            password="rr_agent_pw",
            groups="collectivite_base.collectivite_group_agent,helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _routing(self, path, method="GET"):
        # The routing map is built for the database of the current thread.
        thread = threading.current_thread()
        with patch.object(thread, "dbname", self.env.cr.dbname, create=True):
            adapter = self.env["ir.http"].routing_map().bind("localhost")
        endpoint, _args = adapter.match(path, method=method)
        return endpoint.routing

    def _call_kw(self, model, method, args=(), **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertNotIn("error", body, f"{model}.{method}")
        return body["result"]

    def _no_retry(self):
        """Fails if a read-only route had to be retried on the primary."""
        return _NoRetry(self)

    def test_citizen_pages_are_read_only(self):
        household = self.household_a
        for path in ("/my/household", f"/my/household/{household.id}"):
            self.assertIs(self._routing(path)["readonly"], True, path)
        self.assertIs(self._routing("/my/counters", "POST")["readonly"], True)
        # The pages that change the household stay on the primary.
        self.assertFalse(self._routing("/my/household/edit", "POST")["readonly"])
        self.assertFalse(self._routing("/my/household/member/new", "POST")["readonly"])

        self.authenticate(self.citizen_a.login, f"{self.citizen_a.login}_pw")
        with self._no_retry():
            response = self.url_open("/my/household")
            self.assertEqual(response.status_code, 200)
            self.assertIn(household.name, response.text)
            response = self.url_open(f"/my/household/{household.id}")
            self.assertEqual(response.status_code, 200)
            response = self.url_open(
                "/my/counters",
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {"counters": []}}),
                headers={"Content-Type": "application/json"},
            )
            self.assertEqual(response.status_code, 200)

    def test_agent_dashboards_searches_statistics_are_read_only(self):
        self.authenticate(self.request_agent.login, "rr_agent_pw")
        list_spec = {"name": {}, "state": {}, "date_submitted": {}}
        with self._no_retry():
            tiles = self._call_kw(
                "collectivite.request.dashboard",
                "web_search_read",
                domain=[],
                specification={"name": {}, "code": {}, "request_count": {}},
            )
            self.assertTrue(tiles["records"])
            self._call_kw(
                "collectivite.request",
                "web_search_read",
                domain=[("requester_name", "ilike", "Dupuis")],
                specification=list_spec,
                limit=80,
            )
            self._call_kw(
                "collectivite.request",
                "web_read_group",
                domain=[],
                fields=["__count"],
                groupby=["state"],
            )
            self._call_kw(
                "collectivite.household",
                "web_search_read",
                domain=[("member_lastnames", "ilike", "dup")],
                specification={"name": {}, "responsible_name": {}},
                limit=80,
            )
            self._call_kw(
                "helpdesk.ticket",
                "web_search_read",
                domain=[],
                specification={"name": {}, "sla_status": {}},
                limit=80,
            )
            self._call_kw("collectivite.request", "search_count", [[]])

    def test_a_write_still_reaches_the_primary(self):
        """A write through JSON-RPC is not read-only: it is stored."""
        self.authenticate(self.request_agent.login, "rr_agent_pw")
        with self._no_retry():
            ticket_id = self._call_kw(
                "helpdesk.ticket",
                "create",
                [{"name": "Écrit par le test du réplica", "description": "<p>test</p>"}],
            )
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)
        self.assertEqual(ticket.name, "Écrit par le test du réplica")


class _NoRetry:
    def __init__(self, case):
        self.case = case
        self.logs = None

    def __enter__(self):
        self.logs = self.case.assertLogs("odoo.http", level="WARNING")
        self._cm = self.logs.__enter__()
        return self

    def __exit__(self, *exc):
        # assertLogs fails when nothing is logged: log a marker of our own.
        logging.getLogger("odoo.http").warning("read replica test: end of the block")
        self.logs.__exit__(*exc)
        retries = [line for line in self._cm.output if RETRY in line]
        self.case.assertFalse(retries, "a read-only route wrote and was retried on the primary")
        return False
