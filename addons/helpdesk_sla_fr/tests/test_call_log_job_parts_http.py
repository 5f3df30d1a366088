"""A large call log waits in attachments of its job ("parts" of 2,000 lines),
not in the job's payload: the payload keeps its cursor only, each batch reads
and drops its own part, a batch killed leaves its part as it was, the parts
are gone when the job ends (or fails), and nobody but the manager who
imported the log reads them (and they may not change them)."""

import base64
import contextlib
import json

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.tests.common import JobPartsMixin

from ..models.collectivite_job_call_log import CALL_LOG_BATCH
from .common import SlaCaseMixin

LINES = 3 * CALL_LOG_BATCH + 500
# the payload's bytes: a cursor, not the lines
PAYLOAD_MAX = 300


class Killed(Exception):
    """A batch killed mid-way (the worker's transaction rolled back)."""


def call_log(count):
    lines = ["début;décroché;attente;agent"]
    for i in range(count):
        answered = "non" if i % 10 == 0 else "oui"
        lines.append(
            f"2026-11-{2 + i % 20:02d} {8 + i % 9:02d}:{i % 60:02d}:{i % 59:02d};"
            f"{answered};{i % 90};Agent {i}"
        )
    return "\n".join(lines).encode()


@tagged("post_install", "-at_install")
class TestCallLogJobPartsHttp(SlaCaseMixin, JobPartsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.other_manager = new_test_user(
            cls.env,
            login="sla_parts_other",
            groups="helpdesk_mgmt.group_helpdesk_manager,collectivite_base.collectivite_group_manager",
        )
        cls.Job = cls.env["collectivite.job"]

    def _import(self, content):
        self.authenticate("sla_manager", "sla_manager")
        saved = self.call_kw(
            "helpdesk.call.log.import",
            "web_save",
            [[], {"contract_id": self.resotic.id, "file": base64.b64encode(content).decode()}],
            {"specification": {"id": {}}},
        )
        answer = self.call_kw(
            "helpdesk.call.log.import", "action_import", [[saved["result"][0]["id"]]]
        )
        return self.Job.browse(answer["result"]["res_id"])

    def _payload_size(self, job):
        return len(json.dumps(job.sudo().payload).encode())

    def _agents(self):
        calls = self.env["helpdesk.call.log"].search([("contract_id", "=", self.resotic.id)])
        return calls.mapped("agent")

    def test_lines_in_parts_payload_small(self):
        job = self._import(call_log(LINES))
        self.assertEqual(job.kind, "call_log_import")
        parts = self._parts(job)
        self.assertEqual(len(parts), 4)
        self.assertEqual([len(json.loads(part.raw)) for part in parts], [2000, 2000, 2000, 500])
        self.assertLess(self._payload_size(job), PAYLOAD_MAX)
        self.assertNotIn("rows", job.sudo().payload)
        self.assertEqual(job.total_count, LINES)

        self.Job._cron_run_jobs()
        self.assertEqual((job.done_count, len(self._agents())), (CALL_LOG_BATCH, CALL_LOG_BATCH))
        self.assertEqual(self._parts(job), parts[1:], "the batch dropped its part")
        self.assertLess(self._payload_size(job), PAYLOAD_MAX)
        # a batch killed mid-way: its part and the cursor stay as they were
        with contextlib.suppress(Killed), self.env.cr.savepoint():
            self.Job._cron_run_jobs()
            self.assertEqual(len(self._agents()), 2 * CALL_LOG_BATCH)
            raise Killed
        self.env.invalidate_all()
        self.assertEqual(self._parts(job), parts[1:])
        self.assertEqual((job.done_count, len(self._agents())), (CALL_LOG_BATCH, CALL_LOG_BATCH))
        # smaller batches than a part (the scheduled action's limit)
        self.Job._cron_run_jobs(limit=1500)
        self.assertEqual(job.done_count, CALL_LOG_BATCH + 1500)
        self.assertEqual(len(json.loads(self._parts(job)[0].raw)), 500)
        while self.Job._cron_run_jobs():
            pass
        self.assertEqual(job.state, "done", job.result)
        agents = self._agents()
        self.assertEqual(len(agents), LINES)
        self.assertEqual(len(set(agents)), LINES, "no line created twice")
        self.assertEqual(job.result, f"{LINES} appels importés.")
        self.assertFalse(self._parts(job), "the parts are gone with the job's end")
        self.assertNotIn("parts", job.sudo().payload)
        self.assertLess(self._payload_size(job), PAYLOAD_MAX)

    def test_failed_job_drops_its_parts(self):
        job = self._import(call_log(LINES))
        self.Job._cron_run_jobs()
        # the manager loses the right to create calls: the next batch fails
        self.manager.groups_id = [(6, 0, self.env.ref("base.group_user").ids)]
        self.Job._cron_run_jobs()
        self.assertEqual(job.state, "failed")
        self.assertEqual(len(self._agents()), CALL_LOG_BATCH)
        self.assertFalse(self._parts(job))

    def test_parts_read_by_nobody_else(self):
        job = self._import(call_log(LINES))
        parts = self._parts(job)
        self._assert_parts_unreadable(
            job, parts, ("sla_parts_other", "sla_agent", "test.requester1@example.org")
        )
        # the manager who imported the log may not change its parts
        self._assert_parts_unchanged_by("sla_manager", job, parts)

    def test_job_of_an_earlier_version_resumed(self):
        """A job queued before the lines were kept as parts (its lines in its
        payload, some created already) goes on from its cursor."""
        rows = [[f"2026-11-03 09:{i % 60:02d}:00", True, 5, f"Agent {i}"] for i in range(2500)]
        job = self.Job.with_user(self.manager)._enqueue(
            "call_log_import",
            "Import (earlier version)",
            {"contract_id": self.resotic.id, "rows": rows, "after": 100},
            company=self.resotic.company_id,
        )
        while self.Job._cron_run_jobs():
            pass
        self.assertEqual(job.state, "done", job.result)
        self.assertEqual(sorted(self._agents()), sorted(f"Agent {i}" for i in range(100, 2500)))
        self.assertEqual((job.done_count, job.total_count), (2500, 2500))
        self.assertFalse(self._parts(job))
        self.assertLess(self._payload_size(job), PAYLOAD_MAX)

    def test_part_gone_job_fails(self):
        job = self._import(call_log(LINES))
        self.Job._cron_run_jobs()
        self._parts(job)[0].unlink()
        self.Job._cron_run_jobs()
        self.assertEqual(job.state, "failed")
        self.assertIn("ne sont plus disponibles", job.result)
        self.assertEqual(len(self._agents()), CALL_LOG_BATCH, "no line missed, none created")
        self.assertFalse(self._parts(job))
