"""One path to change a state, tried from a JSON-RPC client as an agent would."""

from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.tests.common import JsonRpcMixin

from .common import TeleserviceCommon


@tagged("post_install", "-at_install")
class TestStateMovesFromOutside(JsonRpcMixin, HttpCase, TeleserviceCommon):
    def _complete(self, validate_justificatif=True):
        request = self._request()
        justificatif = self._justificatif(request)
        if validate_justificatif:
            justificatif.action_validate()
        agent = request.with_user(self.user_write)
        agent.action_start()
        agent.action_mark_complete()
        agent.action_validate_data()
        agent.action_unlock()
        return request

    def _snapshot(self, request):
        request.invalidate_recordset()
        return request.read(["state", "data_state", "date_validated", "last_agent_id"])[0]

    def test_client_context_keys_switch_no_check_off(self):
        """The markers the server used to read from the context are ignored."""
        request = self._request()
        before = self._snapshot(request)
        self.authenticate("ts_write", "ts_write")
        for key in ("collectivite_state_checked", "teleservice_lock_bypass"):
            with self.subTest(key=key):
                answer = self.call_kw(
                    "collectivite.request",
                    "write",
                    [request.ids, {"state": "validated"}],
                    context={key: True},
                )
                name, _message = self.rpc_error(answer)
                self.assertEqual(name, "odoo.exceptions.UserError")
                self.assertEqual(self._snapshot(request), before)

    def test_direct_write_runs_the_guard(self):
        request = self._complete(validate_justificatif=False)
        before = self._snapshot(request)
        self.authenticate("ts_write", "ts_write")
        answer = self.call_kw(
            "collectivite.request", "write", [request.ids, {"state": "validated"}]
        )
        name, message = self.rpc_error(answer)
        self.assertEqual(name, "odoo.exceptions.UserError")
        self.assertIn("Domicile (test)", message)
        self.assertEqual(self._snapshot(request), before)

    def test_direct_write_is_the_move(self):
        """Writing the state makes the move with its values, as the button does."""
        request = self._complete()
        self.authenticate("ts_write", "ts_write")
        answer = self.call_kw(
            "collectivite.request", "write", [request.ids, {"state": "validated"}]
        )
        self.assertTrue(answer.get("result"), answer)
        after = self._snapshot(request)
        self.assertEqual(after["state"], "validated")
        self.assertTrue(after["date_validated"])
        self.assertEqual(after["last_agent_id"][0], self.user_write.id)

    def test_read_right_makes_no_move(self):
        request = self._complete()
        before = self._snapshot(request)
        self.authenticate("ts_read", "ts_read")
        answer = self.call_kw("collectivite.request", "action_validate", [request.ids])
        name, _message = self.rpc_error(answer)
        self.assertEqual(name, "odoo.exceptions.AccessError")
        self.assertEqual(self._snapshot(request), before)

    def test_no_record_is_born_in_a_later_state(self):
        Request = self.env["collectivite.request"]
        count = Request.search_count([])
        self.authenticate("ts_write", "ts_write")
        values = {
            "teleservice_id": self.teleservice.id,
            "household_id": self.household.id,
            "requester_id": self.citizen.partner_id.id,
        }
        for vals, context in (
            (dict(values, state="validated"), {}),
            (values, {"default_state": "validated"}),
            (dict(values, data_state="valid"), {}),
        ):
            with self.subTest(vals=vals, context=context):
                answer = self.call_kw("collectivite.request", "create", [vals], context=context)
                name, _message = self.rpc_error(answer)
                self.assertEqual(name, "odoo.exceptions.UserError")
        self.assertEqual(Request.search_count([]), count)

    def test_justificatif_without_page_is_not_validated(self):
        request = self._request()
        justificatif = self._justificatif(request, page_ids=[])
        self.authenticate("ts_write", "ts_write")
        for method, args in (
            ("action_validate", [justificatif.ids]),
            ("write", [justificatif.ids, {"state": "validated"}]),
        ):
            with self.subTest(method=method):
                name, message = self.rpc_error(
                    self.call_kw("collectivite.justificatif", method, args)
                )
                self.assertEqual(name, "odoo.exceptions.UserError")
                self.assertIn("aucune page", message)
                justificatif.invalidate_recordset()
                self.assertEqual(justificatif.state, "pending")

    def test_household_state_written_by_an_agent_is_the_move(self):
        """Validating a household by a plain write stamps it and tells the citizen."""
        household = self.env["collectivite.household"].create(
            {
                "street": "rue Thiers",
                "zip": "95300",
                "city": "Pontoise",
                "member_ids": [
                    (
                        0,
                        0,
                        {
                            "firstname": "Inès",
                            "lastname": "Moreau",
                            "email": "ines@example.org",
                            "household_role": "responsible",
                        },
                    )
                ],
            }
        )
        self.env.flush_all()
        mails = self.env["mail.mail"].search_count([])
        self.authenticate("ts_write", "ts_write")
        answer = self.call_kw(
            "collectivite.household", "write", [household.ids, {"state": "valid"}]
        )
        self.assertTrue(answer.get("result"), answer)
        household.invalidate_recordset()
        self.assertEqual(household.state, "valid")
        self.assertTrue(household.date_validation)
        self.assertGreater(self.env["mail.mail"].search_count([]), mails)
        # A refusal by a plain write needs its reason, as the wizard does.
        answer = self.call_kw(
            "collectivite.household", "write", [household.ids, {"state": "invalid"}]
        )
        name, message = self.rpc_error(answer)
        self.assertEqual(name, "odoo.exceptions.UserError")
        self.assertIn("motif du refus", message)
        household.invalidate_recordset()
        self.assertEqual(household.state, "valid")
