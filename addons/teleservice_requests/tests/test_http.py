from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.tests.common import json_rpc

from .common import TeleserviceCommon


@tagged("post_install", "-at_install")
class TestHttp(HttpCase, TeleserviceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request = cls._request()
        cls.request_other = cls._request(
            cls.teleservice_other, household_id=False, requester_id=cls.manager.partner_id.id
        )

    def _call_kw(self, model, method, args, kwargs=None):
        return json_rpc(self, model, method, args, kwargs)

    def _search_ids(self):
        result = self._call_kw(
            "collectivite.request",
            "search_read",
            [[("id", "in", (self.request | self.request_other).ids)]],
            {"fields": ["name"]},
        )
        return [row["id"] for row in result["result"]]

    def _write_comment(self, text):
        return self._call_kw("collectivite.request", "write", [self.request.ids, {"comment": text}])

    def test_rights_over_json_rpc(self):
        expectations = {
            "ts_none": ([], False),
            "ts_read": ([self.request.id], False),
            "ts_write": ([self.request.id], True),
            "ts_manage": ([self.request.id], True),
        }
        for login, (visible, can_write) in expectations.items():
            with self.subTest(login=login):
                self.authenticate(login, login)
                self.assertEqual(self._search_ids(), visible)
                result = self._write_comment(f"par {login}")
                if can_write:
                    self.assertTrue(result.get("result"), result)
                    # release the lock taken by the change for the next agent
                    self._call_kw("collectivite.request", "action_unlock", [self.request.ids])
                else:
                    self.assertEqual(result["error"]["data"]["name"], "odoo.exceptions.AccessError")
                read = self._call_kw(
                    "collectivite.request", "read", [self.request_other.ids, ["name"]]
                )
                self.assertEqual(read["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.request.invalidate_recordset()
        self.assertEqual(self.request.comment, "par ts_manage")

    def test_tour_agent_validates_new_request(self):
        request = self._request(name="DEM-TOUR-0001")
        request.date_submitted = fields.Datetime.now() - timedelta(days=400)
        justificatif = self._justificatif(request, name="Quittance de loyer")
        self.diet.display_mode = "tree"
        self.start_tour(
            "/odoo/action-teleservice_requests.collectivite_request_dashboard_action",
            "teleservice_agent_tour",
            login="ts_write",
        )
        self.assertEqual(request.state, "validated")
        self.assertEqual(request.data_state, "valid")
        self.assertEqual(justificatif.state, "validated")
        self.assertEqual(request.last_agent_id, self.user_write)
