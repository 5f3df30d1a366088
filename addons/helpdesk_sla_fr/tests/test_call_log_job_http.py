"""A large call log, imported as the web client does it (the wizard saved,
then its button called over JSON-RPC), runs in the background: the agent
gets the job's window at once, the calls are created by batches as that
agent, a batch run again adds nothing twice, and nobody else reads the
job."""

import base64

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.tests.common import JsonRpcMixin

from ..models.collectivite_job_call_log import CALL_LOG_BATCH
from ..wizards.helpdesk_call_log_import import CALL_LOG_SYNC_LIMIT
from .common import SlaCaseMixin

LINES = CALL_LOG_BATCH + 500


def call_log(count):
    lines = ["début;décroché;attente;agent"]
    for i in range(count):
        answered = "non" if i % 10 == 0 else "oui"
        lines.append(
            f"2026-11-{2 + i % 20:02d} {8 + i % 9:02d}:{i % 60:02d}:00;{answered};{i % 90};Nadia"
        )
    return "\n".join(lines).encode()


@tagged("post_install", "-at_install")
class TestCallLogJobHttp(SlaCaseMixin, JsonRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.manager.lang = "fr_FR"
        cls.other_manager = new_test_user(
            cls.env,
            login="sla_manager_other",
            groups="helpdesk_mgmt.group_helpdesk_manager,collectivite_base.collectivite_group_manager",
        )

    def _import(self, content):
        saved = self.call_kw(
            "helpdesk.call.log.import",
            "web_save",
            [[], {"contract_id": self.resotic.id, "file": base64.b64encode(content).decode()}],
            {"specification": {"id": {}}},
        )
        wizard_id = saved["result"][0]["id"]
        return self.call_kw("helpdesk.call.log.import", "action_import", [[wizard_id]])

    def _calls(self):
        return self.env["helpdesk.call.log"].search([("contract_id", "=", self.resotic.id)])

    def test_large_log_in_background(self):
        self.assertGreater(LINES, CALL_LOG_SYNC_LIMIT)
        self.authenticate("sla_manager", "sla_manager")
        answer = self._import(call_log(LINES))
        action = answer["result"]
        self.assertEqual(action["res_model"], "collectivite.job")
        job = self.env["collectivite.job"].browse(action["res_id"])
        self.assertEqual(job.kind, "call_log_import")
        self.assertEqual(job.user_id, self.manager)
        self.assertFalse(self._calls(), "nothing is created while the agent waits")

        Job = self.env["collectivite.job"]
        Job._cron_run_jobs()
        self.assertEqual(len(self._calls()), CALL_LOG_BATCH)
        self.assertEqual(
            (job.state, job.done_count, job.total_count), ("running", CALL_LOG_BATCH, LINES)
        )
        # the owner reads the progress of the job, in the job's window
        read = self.call_kw("collectivite.job", "read", [job.ids, ["progress", "state"]])
        self.assertEqual(read["result"][0]["state"], "running")
        self.assertAlmostEqual(read["result"][0]["progress"], 100.0 * CALL_LOG_BATCH / LINES)

        # a batch killed mid-way: rolled back, the next run does it again once
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            Job._cron_run_jobs()
            raise RuntimeError("killed")
        Job._cron_run_jobs()
        Job._cron_run_jobs()
        calls = self._calls()
        self.assertEqual(len(calls), LINES)
        self.assertEqual(calls.create_uid, self.manager, "created as the agent who imported")
        self.assertEqual(job.state, "done")
        self.assertEqual(job.result, f"{LINES} appels importés.")
        kpis = self.env["helpdesk.call.log"]._phone_kpis(self.resotic, "2026-11-01", "2026-12-01")
        self.assertEqual(kpis[self.resotic.id][0], LINES)

        # another manager does not read it
        self.authenticate("sla_manager_other", "sla_manager_other")
        name, _message = self.rpc_error(
            self.call_kw("collectivite.job", "read", [job.ids, ["state"]])
        )
        self.assertEqual(name, "odoo.exceptions.AccessError")

    def test_bad_line_refused_before_any_job(self):
        self.authenticate("sla_manager", "sla_manager")
        content = call_log(LINES) + b"\n2026-11-30 25:00:00;oui;3;Paul"
        jobs = self.env["collectivite.job"].search_count([])
        name, message = self.rpc_error(self._import(content))
        self.assertEqual(name, "odoo.exceptions.UserError")
        self.assertIn(f"Ligne {LINES + 2}", message)
        self.assertEqual(self.env["collectivite.job"].search_count([]), jobs)
        self.assertFalse(self._calls())

    def test_small_log_at_once(self):
        self.authenticate("sla_manager", "sla_manager")
        answer = self._import(call_log(10))
        self.assertEqual(answer["result"]["tag"], "display_notification")
        self.assertEqual(len(self._calls()), 10)

    def test_outsiders_refused_nothing_changed(self):
        """An agent without the managers' right, a requester of the portal and a
        client context that says otherwise: no wizard, no job, no call."""
        jobs = self.env["collectivite.job"].search_count([])
        for login in ("sla_agent", "test.requester1@example.org"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                answer = self.call_kw(
                    "helpdesk.call.log.import",
                    "web_save",
                    [
                        [],
                        {
                            "contract_id": self.resotic.id,
                            "file": base64.b64encode(call_log(LINES)).decode(),
                        },
                    ],
                    {"specification": {"id": {}}},
                    context={"active_test": False, "sudo": True, "uid": self.manager.id},
                )
                name, _message = self.rpc_error(answer)
                self.assertEqual(name, "odoo.exceptions.AccessError")
                name, _message = self.rpc_error(
                    self.call_kw(
                        "collectivite.job",
                        "_job_step_call_log_import",
                        [[]],
                    )
                )
                self.assertIn(name, ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"))
        self.assertEqual(self.env["collectivite.job"].search_count([]), jobs)
        self.assertFalse(self._calls())
