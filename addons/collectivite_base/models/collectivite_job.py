import logging

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

JOB_STATES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
]
UNFINISHED = ("pending", "running")
# Database errors a later run gets past (another transaction held the rows):
# the job stays as it is and the scheduled action tries again.
RETRIED_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
)


class CollectiviteJob(models.Model):
    """Work that takes more than a few seconds, run in the background by
    batches (``ir_cron_collectivite_job``), its progress visible to the user
    who started it, who is told when it is done or why it failed.

    A kind of job is a value of ``kind`` (``selection_add``) and a method
    ``_job_step_<kind>(limit)`` on the job, running one batch: it reads its
    parameters and cursor in ``payload``, writes them back, adds what it did
    to ``done_count`` (and sets ``total_count``, ``result``) and returns what
    remains (0: finished); a step that cannot go on calls ``_fail(reason)``
    (what it recorded besides is kept) and returns 0, and an exception fails
    the job with its message, the batch rolled back. A batch is one transaction of the scheduled
    action: a batch interrupted (killed, failed) leaves nothing behind, and
    the next run starts it again. Jobs are created by the server only
    (``_enqueue``); users read their own.
    """

    _name = "collectivite.job"
    _description = "Background job"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(
        [("deadline_recompute", "Deadline recompute")], required=True, readonly=True
    )
    state = fields.Selection(
        JOB_STATES, default="pending", required=True, readonly=True, index=True, copy=False
    )
    user_id = fields.Many2one(
        "res.users",
        string="Started by",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    date_start = fields.Datetime(string="Started on", readonly=True, copy=False)
    date_end = fields.Datetime(string="Ended on", readonly=True, copy=False)
    done_count = fields.Integer(string="Done", readonly=True, copy=False)
    total_count = fields.Integer(string="Total", readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress")
    result = fields.Text(readonly=True, copy=False)
    # Parameters and cursor of the job: the server's own, never shown.
    payload = fields.Json(readonly=True, copy=False, groups="base.group_system")

    @api.depends("state", "done_count", "total_count")
    def _compute_progress(self):
        for job in self:
            if job.state == "done":
                job.progress = 100.0
            elif job.total_count:
                job.progress = min(100.0, 100.0 * job.done_count / job.total_count)
            else:
                job.progress = 0.0

    # ------------------------------------------------------------------
    # Starting a job
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, kind, name, payload, user=None, company=None, notice=None):
        """Record a job of ``kind`` for ``user`` (default: the current user),
        wake the scheduled action up and tell the user it started (``notice``:
        what they are told, by default that it runs in the background);
        returns the job at once."""
        user = user or self.env.user
        # sudo: jobs are the server's records; the caller decided to start this one.
        job = self.sudo().create(
            {
                "name": name,
                "kind": kind,
                "user_id": user.id,
                "company_id": (company or self.env.company).id,
                "payload": payload,
            }
        )
        # (absent only while the module's own data is being loaded: the
        # scheduled action, made next, runs the job anyway)
        cron = self.env.ref("collectivite_base.ir_cron_collectivite_job", raise_if_not_found=False)
        if cron:
            cron._trigger()
        job._notify_started(notice)
        return job.with_env(self.env)

    def _action_open(self):
        """The window of this job (what a button starting it returns)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Background job"),
        }

    # ------------------------------------------------------------------
    # Running jobs (scheduled action)
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_jobs(self, limit=None):
        """Run one batch of the oldest unfinished job, then report how many
        jobs remain (the cron runner calls again while some do)."""
        self.env.cr.execute(
            SQL(
                """SELECT id FROM %s WHERE state IN %s ORDER BY id LIMIT 1
                   FOR UPDATE SKIP LOCKED""",
                SQL.identifier(self._table),
                UNFINISHED,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            self.browse(row[0])._run_step(limit)
        remaining = self.search_count([("state", "in", UNFINISHED)])
        self.env["ir.cron"]._notify_progress(done=1 if row else 0, remaining=remaining)
        return remaining

    def _run_step(self, limit=None):
        """One batch of this job; a failure is recorded with its reason and
        reported to the user, the batch's own changes rolled back."""
        self.ensure_one()
        # sudo: the scheduled action runs the server's jobs, in the language of
        # the user who started them (what they report is for them)
        job = self.sudo().with_context(lang=self.user_id.lang)
        if job.state == "pending":
            job.write({"state": "running", "date_start": fields.Datetime.now()})
        step = getattr(job, f"_job_step_{job.kind}")
        try:
            with self.env.cr.savepoint():
                remaining = step(limit) if limit else step()
        except RETRIED_ERRORS:
            raise
        except UserError as error:
            job._fail(error.args[0])
            return
        except Exception as error:  # noqa: BLE001 - recorded and reported, not hidden
            _logger.exception("Background job %s (%s) failed", job.id, job.name)
            job._fail(
                job.with_context(lang=job.user_id.lang).env._(
                    "Unexpected error: %(error)s", error=str(error) or type(error).__name__
                )
            )
            return
        if job.state == "running" and not remaining:
            job.write({"state": "done", "date_end": fields.Datetime.now()})
            job._notify_user()

    def _fail(self, reason):
        self.write({"state": "failed", "date_end": fields.Datetime.now(), "result": reason})
        self._notify_user()

    def _notify_started(self, notice=None):
        """Tell the user who started the job that it runs in the background."""
        for job in self:
            env = job.with_context(lang=job.user_id.lang).env
            job._notify_screen(
                job.name,
                notice
                or env._(
                    "It runs in the background: you may go on working, you will be "
                    "notified when it is done."
                ),
                "info",
            )

    def _notify_user(self):
        """Tell the user who started the job that it ended: a notification on
        their screen (bus) and a message in their inbox, in their language."""
        system = self.env.ref("collectivite_base.partner_system")
        for job in self:
            partner = job.user_id.partner_id
            env = job.with_context(lang=job.user_id.lang).env
            if job.state == "done":
                title = env._("Done: %(job)s", job=job.name)
            else:
                title = env._("Failed: %(job)s", job=job.name)
            message = job.result or ""
            job._notify_screen(
                title,
                message,
                "success" if job.state == "done" else "danger",
                sticky=job.state != "done",
            )
            job.with_env(env).message_notify(
                partner_ids=partner.ids,
                subject=title,
                body=Markup("<p>%s</p>") % message,
                author_id=system.id,
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _notify_screen(self, title, message, level, sticky=False):
        """The one notice on the starter's screen, for every kind of job and
        moment: Odoo's ``simple_notification`` with the job's id, which the
        web client (``collectivite_job_notice.js``) turns into a button
        opening the job's form."""
        self.ensure_one()
        env = self.with_context(lang=self.user_id.lang).env
        self.user_id.partner_id._bus_send(
            "simple_notification",
            {
                "type": level,
                "title": title,
                "message": message,
                "sticky": sticky,
                "collectivite_job_id": self.id,
                "collectivite_job_button": env._("Open the job"),
            },
        )
