"""The synchronisation button from the outside: it returns at once with a
background job, the scheduled action runs the batches, the administrator is
told when it is done or why it failed."""

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.tests.common import job_notices, json_rpc

from .common import LdapCase

# What a client may add to any call: none of it switches a check off.
CLIENT_CONTEXT = {"active_test": False, "install_mode": True, "lang": "fr_FR"}


@tagged("post_install", "-at_install")
class TestSyncJob(LdapCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").lang = "fr_FR"
        cls.operator = new_test_user(
            cls.env,
            login="operateur.job",
            groups="ldap_provisioning.group_referential_admin",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
            lang="fr_FR",
        )
        cls.Job = cls.env["collectivite.job"]
        cls.Job.search([("state", "in", ("pending", "running"))]).sudo().write({"state": "done"})
        cls.cron = cls.env.ref("collectivite_base.ir_cron_collectivite_job")

    def _call(self, model, method, args, **kwargs):
        context = dict(CLIENT_CONTEXT, **kwargs.pop("context", {}))
        return json_rpc(self, model, method, args, kwargs, context)

    def _triggers(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])

    def _start(self):
        self.authenticate("admin", "admin")
        answer = self._call("res.company.ldap", "action_sync_background", [self.config.ids])
        self.assertIn("result", answer, answer)
        action = answer["result"]
        self.assertEqual(action["res_model"], "collectivite.job")
        return self.Job.browse(action["res_id"])

    def _inbox(self, job):
        admin = self.env.ref("base.user_admin")
        return self.env["mail.message"].search(
            [
                ("model", "=", "collectivite.job"),
                ("res_id", "=", job.id),
                ("partner_ids", "in", admin.partner_id.ids),
            ]
        )

    def test_button_returns_at_once_then_batches(self):
        self.config.sync_batch_size = 2
        triggers = self._triggers()
        job = self._start()
        # nothing synchronised yet: the scheduled action is woken up
        self.assertEqual(job.state, "pending")
        self.assertEqual(job.user_id, self.env.ref("base.user_admin"))
        self.assertEqual(self._triggers(), triggers + 1)
        self.assertFalse(self.users("philippe.usclade"))
        self.assertFalse(self._inbox(job))
        # the administrator is told it started, with a button opening the job
        notice = job_notices(self.env, self.env.ref("base.user_admin"))[-1]
        self.assertEqual((notice["collectivite_job_id"], notice["type"]), (job.id, "info"))
        self.assertEqual(notice["title"], job.name)
        self.assertEqual(notice["collectivite_job_button"], "Ouvrir le travail")
        # first batch: 2 agents, the rest to come
        self.assertTrue(self.Job._cron_run_jobs())
        self.assertEqual(job.state, "running")
        self.assertEqual(job.done_count, 2)
        self.assertGreater(job.total_count, 2)
        self.assertTrue(0 < job.progress < 100)
        for _run in range(10):
            if not self.Job._cron_run_jobs():
                break
        self.assertEqual(job.state, "done")
        self.assertEqual(job.progress, 100)
        self.assertTrue(self.users("philippe.usclade", "marie.durand", "jean.martin"))
        # the last batch's report, after the count of the whole synchronisation
        self.assertIn("changement(s) en tout", job.result)
        self.assertIn("1 agent(s) créé(s)", job.result)
        self.assertEqual(self.config.last_sync_state, "done")
        message = self._inbox(job)
        self.assertEqual(len(message), 1)
        self.assertIn("Terminé", message.subject)
        self.assertIn("1 agent(s) créé(s)", message.body)
        # the administrator reads the progress of their job
        self.authenticate("admin", "admin")
        answer = self._call("collectivite.job", "read", [job.ids, ["state", "progress"]])
        self.assertEqual(answer["result"][0]["state"], "done")

    def test_failure_reported_with_reason(self):
        job = self._start()
        self.slapd.pause()
        try:
            self.Job._cron_run_jobs()
        finally:
            self.slapd.resume()
        self.assertEqual(job.state, "failed")
        self.assertIn("injoignable", job.result)
        self.assertEqual(self.config.last_sync_state, "failed")
        message = self._inbox(job)
        self.assertIn("Échec", message.subject)
        self.assertIn("injoignable", message.body)
        self.assertFalse(self.Job._cron_run_jobs())

    def test_refused_from_the_outside(self):
        triggers = self._triggers()
        jobs = self.Job.search_count([])
        self.authenticate("operateur.job", "operateur.job")
        answer = self._call("res.company.ldap", "action_sync_background", [self.config.ids])
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertIn("administrateurs système", answer["error"]["data"]["message"])
        # nor may a user make or move a job themselves
        answer = self._call(
            "collectivite.job",
            "create",
            [{"name": "x", "kind": "ldap_sync", "payload": {"config_id": self.config.id}}],
        )
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self.Job.search_count([]), jobs)
        self.assertEqual(self._triggers(), triggers)
        self.assertFalse(self.users("philippe.usclade"))
        # an administrator's job is theirs: another user neither reads nor changes it
        job = self._start()
        self.authenticate("operateur.job", "operateur.job")
        answer = self._call("collectivite.job", "read", [job.ids, ["state"]])
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        answer = self._call("collectivite.job", "write", [job.ids, {"state": "done"}])
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        job.invalidate_recordset()
        self.assertEqual(job.state, "pending")
