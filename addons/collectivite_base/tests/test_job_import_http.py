"""A large import from Odoo's import dialog, from the outside: the calls the
dialog makes (JSON-RPC ``create``, ``/base_import/set_file``, ``parse_preview``,
``execute_import``) as an agent, then the scheduled action's batches; small
imports and tests (``dryrun``) stay in the request."""

import contextlib

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.base_import_import import IMPORT_BACKGROUND_ROWS, IMPORT_JOB_MARK
from ..models.collectivite_job_import import IMPORT_BATCH
from .common import JsonRpcMixin, job_notices

ROWS = IMPORT_BACKGROUND_ROWS + 100
DOMAIN = "@import.example.org"


class Killed(Exception):
    """A batch killed mid-way (the worker's transaction rolled back)."""


def partners_csv(rows, bad=None):
    """A CSV of ``rows`` contacts; the data row of index ``bad`` names a
    country that does not exist."""
    lines = ["Nom,Courriel,Pays"]
    for index in range(rows):
        country = "Atlantide" if index == bad else ""
        lines.append(f"Contact {index:05d},contact{index:05d}{DOMAIN},{country}")
    return ("\n".join(lines) + "\n").encode()


@tagged("post_install", "-at_install")
class TestJobImportHttp(JsonRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="import_agent",
            groups="base.group_user,base.group_partner_manager",
            lang="fr_FR",
        )
        cls.reader = new_test_user(
            cls.env, login="import_reader", groups="base.group_user", lang="fr_FR"
        )
        cls.other = new_test_user(cls.env, login="import_other", groups="base.group_user")
        cls.Job = cls.env["collectivite.job"]
        cls.Partner = cls.env["res.partner"]

    # ------------------------------------------------------------------
    # The dialog's calls
    # ------------------------------------------------------------------
    def _dialog(self, login, content, dryrun=False, skip=0):
        """Upload ``content`` and press "Import" (or "Test") as ``login``
        does in the dialog; returns the answer of ``execute_import``."""
        self.authenticate(login, login)
        answer = self.call_kw("base_import.import", "create", [{"res_model": "res.partner"}])
        import_id = answer["result"]
        response = self.url_open(
            "/base_import/set_file",
            data={"csrf_token": http.Request.csrf_token(self), "id": import_id},
            files={"ufile": ("contacts.csv", content, "text/csv")},
        )
        self.assertEqual(response.status_code, 200)
        options = {
            "import_skip_records": [],
            "import_set_empty_fields": [],
            "fallback_values": {},
            "name_create_enabled_fields": {},
            "encoding": "",
            "separator": "",
            "quoting": '"',
            "date_format": "",
            "datetime_format": "",
            "float_thousand_separator": ",",
            "float_decimal_separator": ".",
            "advanced": True,
            "has_headers": True,
            "keep_matches": False,
            "limit": 2000,
            "sheets": [],
            "sheet": "",
            "skip": skip,
            "tracking_disable": True,
        }
        preview = self.call_kw("base_import.import", "parse_preview", [import_id, options])
        self.assertNotIn("error", preview["result"], preview)
        self.assertEqual(preview["result"]["headers"], ["Nom", "Courriel", "Pays"])
        options = dict(options, **preview["result"]["options"])
        fields = ["name", "email", "country_id"]
        columns = ["nom", "courriel", "pays"]
        self.import_id = import_id
        answer = self.call_kw(
            "base_import.import",
            "execute_import",
            [import_id, fields, columns, options],
            {"dryrun": dryrun},
            # the name of the server's marker, sent by the client, changes nothing
            context={"tracking_disable": True, IMPORT_JOB_MARK: True},
        )
        self.assertIn("result", answer, answer)
        return answer["result"]

    def _imported(self):
        return self.Partner.search_count([("email", "like", DOMAIN)])

    def _inbox(self, job):
        return self.env["mail.message"].search(
            [
                ("model", "=", "collectivite.job"),
                ("res_id", "=", job.id),
                ("partner_ids", "in", job.user_id.partner_id.ids),
            ]
        )

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_large_import_runs_in_background(self):
        before = self.Job.search([]).ids
        answer = self._dialog("import_agent", partners_csv(ROWS))
        # the dialog says, in French, that the file is imported in the background
        self.assertEqual(answer["ids"], [])
        self.assertEqual(len(answer["messages"]), 1)
        message = answer["messages"][0]
        self.assertEqual(message["type"], "info")
        self.assertTrue(message["not_matching_error"])
        self.assertIn(f"Le fichier compte {ROWS} lignes", message["message"])
        self.assertIn("arrière-plan", message["message"])
        job = self.Job.browse(answer["collectivite_job_id"])
        self.assertEqual(self.Job.search([("id", "not in", before)]), job)
        self.assertEqual((job.kind, job.state, job.user_id), ("import", "pending", self.agent))
        self.assertEqual((job.done_count, job.total_count), (0, ROWS))
        self.assertIn("contacts.csv", job.name)
        self.assertFalse(self._imported())
        # the start notice names the job and opens it
        (notice,) = job_notices(self.env, self.agent)
        self.assertEqual(notice["collectivite_job_id"], job.id)
        self.assertEqual(notice["title"], job.name)
        self.assertEqual(notice["collectivite_job_button"], "Ouvrir le travail")
        self.assertIn("arrière-plan", notice["message"])
        # pressing "Import" again in the same dialog starts no second job
        self.authenticate("import_agent", "import_agent")
        again = self.call_kw(
            "base_import.import",
            "execute_import",
            [
                self.import_id,
                ["name", "email", "country_id"],
                ["nom", "courriel", "pays"],
                {"has_headers": True, "quoting": '"', "separator": ",", "skip": 0, "limit": 2000},
            ],
        )["result"]
        self.assertEqual(again["collectivite_job_id"], job.id)
        self.assertEqual(self.Job.search([("id", "not in", before)]), job)

        # first batch, as the agent (not as the superuser)
        self.assertTrue(self.Job._cron_run_jobs(limit=400))
        self.assertEqual((job.state, job.done_count), ("running", 400))
        created = self.Partner.search([("email", "like", DOMAIN)])
        self.assertEqual(len(created), 400)
        self.assertEqual(created.create_uid, self.agent)
        # the agent reads the progress in the job list
        answer = self.call_kw(
            "collectivite.job",
            "search_read",
            [[("id", "=", job.id)], ["progress", "done_count", "total_count", "state"]],
        )
        (row,) = answer["result"]
        self.assertEqual((row["done_count"], row["total_count"]), (400, ROWS))
        self.assertAlmostEqual(row["progress"], 100.0 * 400 / ROWS)
        # a batch killed mid-way leaves nothing; the next run resumes at the cursor
        with contextlib.suppress(Killed), self.env.cr.savepoint():
            self.Job._cron_run_jobs(limit=400)
            self.assertEqual(self._imported(), 800)
            raise Killed
        self.env.invalidate_all()
        self.assertEqual((job.done_count, self._imported()), (400, 400))
        while self.Job._cron_run_jobs(limit=400):
            pass
        self.assertEqual((job.state, job.done_count, job.total_count), ("done", ROWS, ROWS))
        self.assertEqual(self._imported(), ROWS)
        self.assertEqual(self.Partner.search_count([("email", "=", f"contact00000{DOMAIN}")]), 1)
        self.assertIn(f"{ROWS} enregistrement(s) importé(s) depuis contacts.csv", job.result)
        # the file is not kept; the agent is told, with the job to open
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "collectivite.job"), ("res_id", "=", job.id)]
            )
        )
        self.assertTrue(self._inbox(job))
        end = job_notices(self.env, self.agent)[-1]
        self.assertEqual((end["collectivite_job_id"], end["type"]), (job.id, "success"))
        self.assertEqual(end["title"], f"Terminé\u00a0: {job.name}")
        # another user does not read the job
        self.authenticate("import_other", "import_other")
        name, _message = self.rpc_error(
            self.call_kw("collectivite.job", "read", [job.ids, ["state", "result"]])
        )
        self.assertEqual(name, "odoo.exceptions.AccessError")
        answer = self.call_kw("collectivite.job", "search_count", [[("id", "=", job.id)]])
        self.assertEqual(answer["result"], 0)

    def test_bad_rows_reported_in_french(self):
        bad = IMPORT_BATCH + 50  # in the second batch
        self.assertLess(bad, ROWS)
        answer = self._dialog("import_agent", partners_csv(ROWS, bad=bad))
        job = self.Job.browse(answer["collectivite_job_id"])
        # the scheduled action's own batches: the first one is kept, the one
        # holding the bad row is not
        while self.Job._cron_run_jobs():
            pass
        self.assertEqual(job.state, "failed", job.result)
        self.assertEqual(self._imported(), IMPORT_BATCH, job.result)
        self.assertEqual(job.done_count, IMPORT_BATCH)
        self.assertIn("Import arrêté", job.result)
        self.assertIn(f"à partir de la ligne {IMPORT_BATCH + 2}", job.result)
        self.assertIn(f"{IMPORT_BATCH} enregistrement(s) importé(s) avant", job.result)
        # the row in error as a spreadsheet numbers it (header included)
        line = next(line for line in job.result.splitlines() if "Atlantide" in line)
        self.assertTrue(line.startswith(f"Ligne {bad + 2}\u00a0: "), line)
        self.assertIn("Aucun enregistrement trouvé", line)
        end = job_notices(self.env, self.agent)[-1]
        self.assertEqual((end["type"], end["sticky"]), ("danger", True))
        self.assertEqual(end["title"], f"Échec\u00a0: {job.name}")
        self.assertTrue(self._inbox(job))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "collectivite.job"), ("res_id", "=", job.id)]
            )
        )

    def test_import_runs_with_the_rights_of_its_user(self):
        # a user who may not create contacts: the job does not import for them
        answer = self._dialog("import_reader", partners_csv(ROWS))
        job = self.Job.browse(answer["collectivite_job_id"])
        self.assertEqual(job.user_id, self.reader)
        while self.Job._cron_run_jobs(limit=400):
            pass
        self.assertEqual(job.state, "failed")
        self.assertFalse(self._imported())
        # the same refusal on following rows is told once for all of them
        (line,) = (line for line in job.result.splitlines() if line.startswith("Lignes 2 à "))
        self.assertIn("\u00a0: Vous n'êtes pas autorisé à créer des enregistrements", line)
        self.assertIn("'Contact'", line)

    def test_dryrun_and_small_imports_stay_in_the_request(self):
        before = self.Job.search_count([])
        # "Test" on a large file: checked in the request, nothing kept
        answer = self._dialog("import_agent", partners_csv(ROWS), dryrun=True)
        self.assertEqual(answer["messages"], [])
        self.assertEqual(len(answer["ids"]), ROWS)
        self.assertNotIn("collectivite_job_id", answer)
        self.assertFalse(self._imported())
        # a small file is imported at once, as Odoo does
        answer = self._dialog("import_agent", partners_csv(IMPORT_BACKGROUND_ROWS))
        self.assertEqual(answer["messages"], [])
        self.assertEqual(len(answer["ids"]), IMPORT_BACKGROUND_ROWS)
        self.assertEqual(self._imported(), IMPORT_BACKGROUND_ROWS)
        self.assertEqual(self.Job.search_count([]), before)

    def test_import_dialog_in_the_browser(self):
        """The same, in Odoo's own import dialog (tour
        ``collectivite_job_import``, a file of 1,100 rows)."""
        self.assertGreater(1100, IMPORT_BACKGROUND_ROWS)
        self.start_tour(
            "/odoo/import?active_model=res.partner",
            "collectivite_job_import",
            login="import_agent",
        )
        job = self.Job.search([("user_id", "=", self.agent.id), ("kind", "=", "import")])
        self.assertEqual((job.state, job.total_count), ("pending", 1100))
        self.assertEqual(job_notices(self.env, self.agent)[-1]["collectivite_job_id"], job.id)
        self.assertFalse(self.Partner.search_count([("email", "like", "@tour.import.example.org")]))
