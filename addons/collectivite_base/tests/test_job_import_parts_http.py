"""The cost of a large import: the job reads the file once and each batch only
the rows it imports (the parts, attachments of the job), whatever the batch's
size; a batch killed, even the first one, imports nothing twice; a record
with one2many rows is never cut; the parts are read by nobody but the job's
agent; images named by a file, which only the browser could send, are
refused before any job."""

import base64
import contextlib
import io
import json
from unittest.mock import patch

from PIL import Image

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base_import.models.base_import import Import

from ..models.base_import_import import IMPORT_BACKGROUND_ROWS
from ..models.collectivite_job_import import IMPORT_BATCH
from .common import JobPartsMixin

DOMAIN = "@parts.import.example.org"


def pixel():
    """A PNG of one pixel, in base64."""
    output = io.BytesIO()
    Image.new("RGB", (1, 1), (0, 90, 160)).save(output, format="PNG")
    return base64.b64encode(output.getvalue()).decode()


class Killed(Exception):
    """A batch killed mid-way (the worker's transaction rolled back)."""


def contacts_csv(rows):
    lines = ["Nom,Courriel,Ville"]
    lines += [
        f"Contact {index:05d},contact{index:05d}{DOMAIN},Ville {index % 7}" for index in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


@tagged("post_install", "-at_install")
class TestJobImportPartsHttp(JobPartsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="parts_agent",
            groups="base.group_user,base.group_partner_manager",
            lang="fr_FR",
        )
        cls.other = new_test_user(
            cls.env,
            login="parts_other",
            groups="base.group_user,base.group_partner_manager",
        )
        cls.portal = new_test_user(cls.env, login="parts_portal", groups="base.group_portal")
        cls.Job = cls.env["collectivite.job"]
        cls.Partner = cls.env["res.partner"]

    def _dialog(self, content, fields, headers):
        """Upload ``content`` and press "Import" as the agent does in the
        dialog; returns the answer of ``execute_import``."""
        self.authenticate("parts_agent", "parts_agent")
        import_id = self.call_kw("base_import.import", "create", [{"res_model": "res.partner"}])[
            "result"
        ]
        response = self.url_open(
            "/base_import/set_file",
            data={"csrf_token": http.Request.csrf_token(self), "id": import_id},
            files={"ufile": ("contacts.csv", content, "text/csv")},
        )
        self.assertEqual(response.status_code, 200)
        options = {
            "quoting": '"',
            "separator": ",",
            "encoding": "utf-8",
            "has_headers": True,
            "skip": 0,
            "limit": 2000,
            "float_thousand_separator": ",",
            "float_decimal_separator": ".",
            "fallback_values": {},
            "name_create_enabled_fields": {},
            "import_skip_records": [],
            "import_set_empty_fields": [],
        }
        preview = self.call_kw("base_import.import", "parse_preview", [import_id, options])
        self.assertEqual(preview["result"]["headers"], headers, preview)
        answer = self.call_kw(
            "base_import.import",
            "execute_import",
            [import_id, fields, [header.lower() for header in headers], options],
            context={"tracking_disable": True},
        )
        self.assertIn("result", answer, answer)
        return answer["result"]

    def _contacts_job(self, rows):
        answer = self._dialog(
            contacts_csv(rows), ["name", "email", "city"], ["Nom", "Courriel", "Ville"]
        )
        return self.Job.browse(answer["collectivite_job_id"])

    def _emails(self):
        groups = self.Partner._read_group([("email", "like", DOMAIN)], ["email"], ["__count"])
        return dict(groups)

    def test_file_read_once_each_batch_its_rows(self):
        rows = 3 * IMPORT_BATCH + 500
        job = self._contacts_job(rows)
        self.assertEqual(len(self._parts(job)), 1, "the file, until the job starts")
        read_file = Import._read_file
        reads = []
        batches = []

        def counted_read_file(wizard, options):
            reads.append(wizard.id)
            return read_file(wizard, options)

        Wizard = type(self.env["base_import.import"])
        convert = Wizard._convert_import_data

        def counted_convert(wizard, fields, options):
            data, import_fields = convert(wizard, fields, options)
            batches.append(len(data))
            return data, import_fields

        with (
            patch.object(Import, "_read_file", counted_read_file),
            patch.object(Wizard, "_convert_import_data", counted_convert),
        ):
            self.assertTrue(self.Job._cron_run_jobs())
            # the first batch read the file, kept its rows as parts, dropped it
            self.assertEqual(len(reads), 1)
            self.assertEqual(len(self._parts(job)), 3, "four parts, the first one imported")
            self.assertFalse(self._parts(job).filtered(lambda part: part.name == "contacts.csv"))
            while self.Job._cron_run_jobs():
                pass
        self.assertEqual(len(reads), 1, "the file is read once for the whole job")
        # the reading of the file (all its rows), then each batch its own rows only
        self.assertEqual(batches, [rows, IMPORT_BATCH, IMPORT_BATCH, IMPORT_BATCH, 500])
        self.assertEqual((job.state, job.done_count, job.total_count), ("done", rows, rows))
        self.assertEqual(len(self._emails()), rows)
        self.assertFalse(self._parts(job))
        self.assertLess(len(json.dumps(job.sudo().payload)), 2000)

    def test_killed_batches_import_each_row_once(self):
        rows = 2 * IMPORT_BATCH + 300
        job = self._contacts_job(rows)
        # the first batch (the one reading the file) killed: nothing is left of it
        with contextlib.suppress(Killed), self.env.cr.savepoint():
            self.Job._cron_run_jobs(limit=700)
            self.assertEqual(len(self._emails()), 700)
            raise Killed
        self.env.invalidate_all()
        self.assertEqual((job.done_count, len(self._emails())), (0, 0))
        self.assertEqual(len(self._parts(job)), 1, "the file is still there")
        # batches smaller than a part: the part keeps the rows left
        self.assertTrue(self.Job._cron_run_jobs(limit=700))
        self.assertEqual((job.done_count, len(self._emails())), (700, 700))
        self.assertEqual(len(self._parts(job)), 3)
        first = self._parts(job)[0]
        self.assertEqual(len(json.loads(first.raw)), IMPORT_BATCH - 700)
        # a later batch killed: its parts and the cursor stay as they were
        with contextlib.suppress(Killed), self.env.cr.savepoint():
            self.Job._cron_run_jobs(limit=700)
            raise Killed
        self.env.invalidate_all()
        self.assertEqual((job.done_count, len(self._emails())), (700, 700))
        self.assertEqual(len(json.loads(first.raw)), IMPORT_BATCH - 700)
        while self.Job._cron_run_jobs(limit=700):
            pass
        self.assertEqual(job.state, "done", job.result)
        emails = self._emails()
        self.assertEqual(len(emails), rows)
        self.assertEqual(set(emails.values()), {1}, "no row imported twice")
        self.assertFalse(self._parts(job))

    def test_record_with_lines_never_cut(self):
        # a company and its two contacts on three rows (one2many ``child_ids``):
        # the records across the parts' and batches' limits are kept whole
        lines = ["Nom,Courriel,Contacts/Nom"]
        companies = 400
        for index in range(companies):
            lines.append(f"Société {index:04d},societe{index:04d}{DOMAIN},Contact A{index:04d}")
            lines.append(f",,Contact B{index:04d}")
            lines.append(f",,Contact C{index:04d}")
        content = ("\n".join(lines) + "\n").encode()
        self.assertGreater(3 * companies, IMPORT_BACKGROUND_ROWS)
        answer = self._dialog(
            content, ["name", "email", "child_ids/name"], ["Nom", "Courriel", "Contacts/Nom"]
        )
        job = self.Job.browse(answer["collectivite_job_id"])
        while self.Job._cron_run_jobs(limit=400):
            pass
        self.assertEqual(job.state, "done", job.result)
        imported = self.Partner.search([("email", "like", DOMAIN)])
        self.assertEqual(len(imported), companies)
        domain = [("parent_id", "in", imported.ids)]
        counts = dict(self.Partner._read_group(domain, ["parent_id"], ["__count"]))
        self.assertEqual(set(counts.values()), {3}, "every company with its three contacts")
        self.assertEqual(len(counts), companies)

    def test_parts_read_by_nobody_else(self):
        job = self._contacts_job(2 * IMPORT_BATCH + 10)
        self.Job._cron_run_jobs()
        parts = self._parts(job)
        self.assertEqual(len(parts), 2)
        self._assert_parts_unreadable(job, parts, ("parts_other", "parts_portal"))
        # the agent reads the job's parts but may not change them
        self._assert_parts_unchanged_by("parts_agent", job, parts)

    def test_images_by_file_name_refused_before_any_job(self):
        rows = IMPORT_BACKGROUND_ROWS + 10
        before = self.Job.search_count([])
        lines = ["Nom,Courriel,Image"]
        lines += [f"Contact {i:05d},c{i:05d}{DOMAIN},photo{i}.png" for i in range(rows)]
        content = ("\n".join(lines) + "\n").encode()
        answer = self._dialog(
            content, ["name", "email", "image_1920"], ["Nom", "Courriel", "Image"]
        )
        self.assertNotIn("collectivite_job_id", answer)
        (message,) = answer["messages"]
        self.assertEqual(message["type"], "error")
        self.assertIn("ne peuvent pas être importées en arrière-plan", message["message"])
        self.assertIn("Image", message["message"])
        self.assertEqual(self.Job.search_count([]), before)
        self.assertFalse(self._emails())

    def test_images_in_base64_imported_by_the_job(self):
        rows = IMPORT_BACKGROUND_ROWS + 10
        lines = ["Nom,Courriel,Image"]
        image = pixel()
        lines += [f"Contact {index:05d},c{index:05d}{DOMAIN},{image}" for index in range(rows)]
        content = ("\n".join(lines) + "\n").encode()
        answer = self._dialog(
            content, ["name", "email", "image_1920"], ["Nom", "Courriel", "Image"]
        )
        job = self.Job.browse(answer["collectivite_job_id"])
        while self.Job._cron_run_jobs():
            pass
        self.assertEqual(job.state, "done", job.result)
        imported = self.Partner.search([("email", "like", DOMAIN)])
        self.assertEqual(len(imported), rows)
        self.assertTrue(all(imported.mapped("image_1920")))

    def test_job_of_an_earlier_version_resumed(self):
        """A job queued before the file was kept as parts, some rows imported
        by batches that read the whole file: the first batch of this version
        reads the file from the job's cursor."""
        rows = IMPORT_BATCH + 300
        job = self._contacts_job(rows)
        job_sudo = job.sudo()
        job_sudo.write(
            {"payload": dict(job_sudo.payload, cursor=500, imported=500), "done_count": 500}
        )
        while self.Job._cron_run_jobs():
            pass
        self.assertEqual(job.state, "done", job.result)
        self.assertEqual((job.done_count, job.total_count), (rows, rows))
        emails = self._emails()
        self.assertEqual(len(emails), rows - 500)
        self.assertNotIn(f"contact00499{DOMAIN}", emails)
        self.assertIn(f"contact00500{DOMAIN}", emails)
        self.assertIn(f"{rows} enregistrement(s) importé(s)", job.result)

    def test_part_gone_job_fails(self):
        job = self._contacts_job(3 * IMPORT_BATCH)
        self.Job._cron_run_jobs()
        self._parts(job)[0].unlink()
        self.Job._cron_run_jobs()
        self.assertEqual(job.state, "failed")
        self.assertIn("n’est plus disponible", job.result)
        self.assertEqual(len(self._emails()), IMPORT_BATCH, "no row missed, none imported")
        self.assertFalse(self._parts(job))
