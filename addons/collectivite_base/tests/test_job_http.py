"""Background jobs from the outside: what a user reads of them, what they
cannot do to them, and the progress bar of the job's form."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import JsonRpcMixin, deliver_old_notices, job_notices


@tagged("post_install", "-at_install")
class TestJobHttp(JsonRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = new_test_user(cls.env, login="job_owner", groups="base.group_user")
        cls.other = new_test_user(cls.env, login="job_other", groups="base.group_user")
        cls.job = (
            cls.env["collectivite.job"]
            .with_user(cls.owner)
            ._enqueue("deadline_recompute", "Recalcul", {"changes": [], "models": []})
        )
        cls.job.sudo().write({"state": "running", "done_count": 2, "total_count": 5})

    def test_owner_reads_progress_nobody_changes_it(self):
        self.authenticate("job_owner", "job_owner")
        answer = self.call_kw("collectivite.job", "read", [self.job.ids, ["progress", "state"]])
        self.assertEqual(answer["result"][0]["progress"], 40.0)
        self.assertEqual(answer["result"][0]["state"], "running")
        # the payload is the server's own
        name, _message = self.rpc_error(
            self.call_kw("collectivite.job", "read", [self.job.ids, ["payload"]])
        )
        self.assertEqual(name, "odoo.exceptions.AccessError")
        for method, args in (
            ("write", [self.job.ids, {"state": "done"}]),
            ("unlink", [self.job.ids]),
            ("create", [{"name": "x", "kind": "deadline_recompute", "payload": {}}]),
            ("_cron_run_jobs", []),
        ):
            with self.subTest(method=method):
                name, _message = self.rpc_error(self.call_kw("collectivite.job", method, args))
                self.assertEqual(name, "odoo.exceptions.AccessError")
        self.authenticate("job_other", "job_other")
        name, _message = self.rpc_error(
            self.call_kw("collectivite.job", "read", [self.job.ids, ["state"]])
        )
        self.assertEqual(name, "odoo.exceptions.AccessError")
        self.job.invalidate_recordset()
        self.assertEqual((self.job.state, self.job.done_count), ("running", 2))
        self.assertEqual(self.env["collectivite.job"].search_count([("name", "=", "x")]), 0)

    def test_form_shows_progress_bar(self):
        self.start_tour(
            f"/odoo/action-collectivite_base.collectivite_job_action/{self.job.id}",
            "collectivite_job_progress",
            login="job_owner",
        )

    def test_start_notice_opens_the_job(self):
        """Every kind of job tells its user it started, with a button opening it
        (the recompute passes its own words)."""
        self.owner.lang = "fr_FR"
        Job = self.env["collectivite.job"].with_user(self.owner)
        job = Job._enqueue("deadline_recompute", "Recalcul", {"changes": [], "models": []})
        told = Job._enqueue(
            "deadline_recompute", "Recalcul 2", {"changes": [], "models": []}, notice="Dit."
        )
        notices = job_notices(self.env, self.owner)
        first, second = notices[-2:]
        self.assertEqual((first["collectivite_job_id"], first["type"]), (job.id, "info"))
        self.assertEqual(first["title"], "Recalcul")
        self.assertEqual(first["collectivite_job_button"], "Ouvrir le travail")
        self.assertIn("arrière-plan", first["message"])
        self.assertEqual((second["collectivite_job_id"], second["message"]), (told.id, "Dit."))
        self.assertFalse(job_notices(self.env, self.other))

    def test_notice_button_and_user_menu(self):
        deliver_old_notices(self)
        self.owner.lang = "fr_FR"
        self.env["collectivite.job"].with_user(self.owner)._enqueue(
            "deadline_recompute", "Recalcul des délais", {"changes": [], "models": []}
        )
        self.start_tour("/odoo", "collectivite_job_notice", login="job_owner")
