from odoo import api, fields, models

from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move

from .collectivite_letter import LETTER_MEANS

AGENT_GROUP = "collectivite_base.collectivite_group_agent"
START = Move(
    guard="_start_blockers",
    group=AGENT_GROUP,
    values="_start_values",
    effects="_on_started",
)


class CollectiviteLetterBatch(models.Model):
    """A mass sending of one template to a list of requests, done in the
    background by batches (one wkhtmltopdf run per batch). Each request gets
    at most one letter from a sending (a unique constraint), so that a run
    killed mid-way and run again, or a sending started twice, never writes to
    a request twice."""

    _name = "collectivite.letter.batch"
    _description = "Mass sending of letters"
    _inherit = ["mail.thread", "collectivite.state.mixin"]
    _order = "id desc"
    _state_moves = {
        "state": {
            ("draft", "running"): START,
            ("done", "running"): START,
            ("running", "done"): Move(by_write=False, effects="_on_done"),
        },
    }

    name = fields.Char(required=True, default=lambda self: self.env._("Mass sending"))
    template_id = fields.Many2one(
        "collectivite.letter.template", required=True, tracking=True, check_company=True
    )
    means = fields.Selection(
        [
            ("email", "E-mail"),
            ("mail", "Postal mail"),
            ("counter", "Letter handed over at the counter"),
        ],
        required=True,
        default="mail",
        tracking=True,
    )
    observation = fields.Text(help="The observation put into every letter.")
    request_ids = fields.Many2many("collectivite.request", string="Requests")
    letter_ids = fields.One2many("collectivite.letter", "batch_id", string="Letters")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users", "Sent by", readonly=True, default=lambda self: self.env.user, index=True
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    date_start = fields.Datetime(readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)
    request_count = fields.Integer(compute="_compute_counts", string="Requests to send")
    letter_count = fields.Integer(compute="_compute_counts", string="Letters sent")
    progress = fields.Float(compute="_compute_counts")
    is_empty_confirmed = fields.Boolean(
        "Send although some variables are empty",
        help="Some requests leave a variable of the template empty: tick to send anyway.",
    )
    empty_variables = fields.Text(compute="_compute_empty_variables")

    @api.depends("request_ids", "letter_ids")
    def _compute_counts(self):
        counts = dict(
            self.env["collectivite.letter"]._read_group(
                [("batch_id", "in", self.ids)], ["batch_id"], ["__count"]
            )
        )
        for batch in self:
            batch.request_count = len(batch.request_ids)
            batch.letter_count = counts.get(batch._origin, 0)
            batch.progress = (
                100.0 * batch.letter_count / batch.request_count if batch.request_count else 0.0
            )

    @api.depends("template_id", "request_ids", "observation")
    def _compute_empty_variables(self):
        for batch in self:
            batch.empty_variables = batch._empty_variables_text()

    def _empty_variables_text(self, limit=20):
        self.ensure_one()
        if not self.template_id or not self.request_ids:
            return False
        empty = self.template_id._empty_placeholders(self.request_ids, self.observation)
        if not empty:
            return False
        names = dict(self.request_ids.mapped(lambda r: (r.id, r.name)))
        lines = [
            self.env._(
                "%(request)s: %(variables)s", request=names[rid], variables=", ".join(labels)
            )
            for rid, labels in list(empty.items())[:limit]
        ]
        if len(empty) > limit:
            lines.append(self.env._("… and %(count)s other requests.", count=len(empty) - limit))
        return "\n".join(lines)

    # ------------------------------------------------------------ moves
    def _start_blockers(self, values):
        self.ensure_one()
        blockers = []
        if not self.request_ids:
            blockers.append(self.env._("Choose the requests to write to."))
        if self.means not in LETTER_MEANS:
            blockers.append(self.env._("A mass sending sends letters or e-mails."))
        requests = self.request_ids
        if requests:
            blockers += self.env["collectivite.letter"]._means_blockers(requests, self.means)
            others = requests.filtered(lambda r: r.company_id != self.company_id)
            if others:
                blockers.append(
                    self.env._(
                        "Requests %(requests)s belong to another collectivité.",
                        requests=", ".join(others.mapped("name")[:10]),
                    )
                )
            served = self.template_id.teleservice_ids
            if served:
                unserved = requests.filtered(lambda r: r.teleservice_id not in served)
                if unserved:
                    blockers.append(
                        self.env._(
                            "The template %(template)s does not serve requests %(requests)s.",
                            template=self.template_id.name,
                            requests=", ".join(unserved.mapped("name")[:10]),
                        )
                    )
            if not self.is_empty_confirmed and self._empty_variables_text():
                blockers.append(
                    self.env._(
                        "Some variables are empty for some requests (listed in the form): "
                        "tick the box to send anyway, or cancel."
                    )
                )
        return blockers

    def _start_values(self):
        return {"date_start": fields.Datetime.now(), "date_done": False}

    def _on_started(self):
        self.env.ref("courrier_templates.ir_cron_send_letter_batches")._trigger()

    def _on_done(self):
        for batch in self:
            batch.message_post(
                body=self.env._("%(count)s letters sent.", count=len(batch.letter_ids)),
                subtype_xmlid="mail.mt_note",
            )

    def action_start(self):
        # Only requests the agent may modify, checked as the agent.
        self.request_ids.check_access("write")
        return self._move("running")

    def action_refresh(self):
        """Reload the form to see the progress."""
        return True

    # ------------------------------------------------------------ cron
    @api.model
    def _cron_send_letter_batches(self, batch_size=250):
        """One batch of letters of the oldest running sending, as the agent who
        started it; the sending is done once every request has its letter."""
        batch = self.search([("state", "=", "running")], limit=1, order="date_start, id")
        if not batch:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        done_requests = (
            self.env["collectivite.letter"].search([("batch_id", "=", batch.id)]).request_id
        )
        todo = batch.request_ids - done_requests
        chunk = todo[:batch_size]
        if chunk:
            as_agent = (
                self.env["collectivite.letter"]
                .with_user(batch.user_id)
                .with_company(batch.company_id)
            )
            as_agent._send(
                chunk.with_user(batch.user_id).with_company(batch.company_id),
                batch.means,
                template=batch.template_id.with_user(batch.user_id),
                text=batch.observation,
                batch=batch,
            )
        remaining = len(todo) - len(chunk)
        if not remaining:
            batch._move("done", values={"date_done": fields.Datetime.now()})
            # Another sending waiting: the runner calls again.
            remaining = min(self.search_count([("state", "=", "running")]), 1)
        self.env["ir.cron"]._notify_progress(done=len(chunk), remaining=remaining)
        return remaining
