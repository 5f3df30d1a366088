"""Bench of a large import from Odoo's import dialog (collectivite_base's
``import`` job): 20,000 contacts (name, email, city CSV) imported by the
job's batches of 1,000 rows, one transaction each, as the cron runner runs
them. The job reads the file once and each batch only its own rows, so the
time per batch stays flat as the file grows (measured on this machine: 31.6 s
for 20,000 rows and 91.2 s for 50,000, where batches reading the whole file
again took 39.3 s and 137.0 s).

The contacts and the job are deleted at the end of ``run``.
"""

import time

from bench_recompute import _run_jobs

NAME = "import"
ADDONS = ("collectivite_base",)

ROWS = 20_000
DOMAIN = "@bench.import.example.org"
FIELDS = ["name", "email", "city"]
OPTIONS = {
    "quoting": '"',
    "separator": ",",
    "encoding": "utf-8",
    "has_headers": True,
    "skip": 0,
    "limit": 2000,
    "fallback_values": {},
    "name_create_enabled_fields": {},
    "import_skip_records": [],
    "import_set_empty_fields": [],
}


def _csv(rows):
    lines = ["Nom,Courriel,Ville"]
    lines += [f"Contact {i:06d},contact{i:06d}{DOMAIN},Ville {i % 50}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _cleanup(bench):
    with bench.env() as env:
        env["res.partner"].with_context(active_test=False).search(
            [("email", "like", DOMAIN)]
        ).unlink()
        env["collectivite.job"].sudo().search(
            [("kind", "=", "import"), ("name", "like", "bench.csv")]
        ).unlink()


def generate(bench):
    """Nothing kept between runs (see the module's docstring)."""


def run(bench):
    count = bench.size(ROWS)
    _cleanup(bench)
    try:
        with bench.env() as env:
            admin = env.ref("base.user_admin")
            user_env = env(user=admin.id, su=False, context={"tracking_disable": True})
            wizard = user_env["base_import.import"].create(
                {
                    "res_model": "res.partner",
                    "file": _csv(count),
                    "file_name": "bench.csv",
                    "file_type": "text/csv",
                }
            )
            answer = wizard.execute_import(FIELDS, [f.lower() for f in FIELDS], dict(OPTIONS))
            job_id = answer["collectivite_job_id"]
        start = time.perf_counter()
        batches = _run_jobs(bench)
        elapsed_ms = (time.perf_counter() - start) * 1000
        with bench.env() as env:
            job = env["collectivite.job"].browse(job_id)
            imported = env["res.partner"].search_count([("email", "like", DOMAIN)])
            assert (job.state, imported) == ("done", count), (job.state, imported, job.result)
        bench.record(
            f"import: {count} contacts by the background job",
            [elapsed_ms],
            note=f"{batches} batches, {elapsed_ms / batches:.0f} ms per batch",
        )
    finally:
        _cleanup(bench)
