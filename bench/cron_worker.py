"""One run of a scheduled action by Odoo's own cron runner, in a process of its own,
optionally killed (SIGKILL, as the kernel's OOM killer or a power cut would) in
the middle of a batch. Used by bench_faults.py.

    python3 bench/cron_worker.py DB ADDONS_PATH CRON_XMLID [MODEL METHOD CALLS]

The job is made ready and run as Odoo's cron thread runs it
(``ir.cron._acquire_one_job`` then ``_process_job``: one transaction per batch,
committed after each, until nothing remains or 10 batches). With ``MODEL METHOD
CALLS``, the process kills itself right after the CALLS-th call of
``MODEL.METHOD`` returned, before its batch is committed.
"""

import os
import signal
import sys

os.environ["TZ"] = "UTC"
HERE = os.path.dirname(os.path.abspath(__file__))


def _install_kill(registry, model, method, calls):
    cls = registry[model]
    original = getattr(cls, method)
    state = {"calls": 0}

    def wrapper(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        state["calls"] += 1
        if state["calls"] >= calls:
            self.env.flush_all()  # what the batch wrote so far reaches PostgreSQL
            print(f"killed after call {state['calls']} of {model}.{method}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(cls, method, wrapper)


def main():
    database, addons_path, xmlid = sys.argv[1:4]
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-c", os.path.join(os.path.dirname(HERE), "odoo.conf"), "--addons-path", addons_path]
        + ["-d", database, "--log-level=warn"]
    )
    registry = Registry(database)
    if len(sys.argv) > 4:
        _install_kill(registry, sys.argv[4], sys.argv[5], int(sys.argv[6]))
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cron = env.ref(xmlid)
        cr.execute(
            "UPDATE ir_cron SET active = TRUE, nextcall = now() at time zone 'UTC'"
            " - interval '1 minute' WHERE id = %s",
            [cron.id],
        )
        job_id = cron.id
    IrCron = registry["ir.cron"]
    db = odoo.sql_db.db_connect(database)
    with db.cursor() as cron_cr:
        job = IrCron._acquire_one_job(cron_cr, job_id)
        if not job:
            raise SystemExit(f"{xmlid} could not be acquired (another runner holds it?)")
        IrCron._process_job(db, cron_cr, job)
    print("completed", flush=True)


if __name__ == "__main__":
    main()
