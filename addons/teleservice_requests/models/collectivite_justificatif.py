from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.collectivite_base.markers import server_marks
from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move
from odoo.addons.collectivite_base.models.collectivite_system_log import SYSTEM_AUTHOR_MARK

from ..tools import m2m_added_ids
from .collectivite_request import DONE_STATES

MIMETYPES_PARAM = "teleservice_requests.allowed_mimetypes"
MAX_SIZE_PARAM = "teleservice_requests.max_file_size_mb"
DEFAULT_MIMETYPES = "application/pdf,image/jpeg,image/png"
AGENT_GROUP = "collectivite_base.collectivite_group_agent"
RESET = Move(group=AGENT_GROUP, values="_reset_values", effects="_log_on_requests")


class CollectiviteJustificatif(models.Model):
    """A supporting document of a household (justificatif), reusable by the
    household's requests: unlinking it from a request keeps the document."""

    _name = "collectivite.justificatif"
    _description = "Justificatif"
    _inherit = ["mail.thread", "collectivite.state.mixin", "collectivite.system.log"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    _state_moves = {
        "state": {
            ("pending", "validated"): Move(
                group=AGENT_GROUP,
                guard="_validation_blockers",
                values="_validation_values",
                effects=("_on_validated", "_log_on_requests"),
            ),
            ("pending", "refused"): Move(group=AGENT_GROUP, effects="_log_on_requests"),
            ("validated", "expired"): Move(group=AGENT_GROUP, effects="_log_on_requests"),
            ("validated", "pending"): RESET,
            ("refused", "pending"): RESET,
            ("expired", "pending"): RESET,
        },
    }

    name = fields.Char(required=True, tracking=True)
    type_id = fields.Many2one(
        "collectivite.justificatif.type",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    household_id = fields.Many2one("collectivite.household", index=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Concerned person", index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("pending", "Waiting"),
            ("validated", "Valid"),
            ("refused", "Rejected"),
            ("expired", "Expired"),
        ],
        required=True,
        default="pending",
        tracking=True,
        index=True,
        copy=False,
    )
    date_valid_until = fields.Date(string="Valid until", tracking=True, index=True)
    page_ids = fields.Many2many(
        "ir.attachment",
        "collectivite_justificatif_attachment_rel",
        "justificatif_id",
        "attachment_id",
        string="Pages",
    )
    page_count = fields.Integer(compute="_compute_page_count")
    comment = fields.Text(
        string="Comment to the citizen", help="Shown to the citizen in their space."
    )
    request_ids = fields.Many2many(
        "collectivite.request",
        "collectivite_request_justificatif_rel",
        "justificatif_id",
        "request_id",
        string="Requests",
    )
    validator_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_validated = fields.Datetime(readonly=True, copy=False)
    date_purge = fields.Date(
        string="Deleted on",
        compute="_compute_date_purge",
        store=True,
        index=True,
        help="End of the retention of its type, from its end of validity or its filing: "
        "the justificatif and its pages are then deleted, once no request being "
        "instructed uses it.",
    )

    @api.depends("create_date", "date_valid_until", "type_id.retention_months")
    def _compute_date_purge(self):
        today = fields.Date.context_today(self)
        for justificatif in self:
            filed = justificatif.create_date.date() if justificatif.create_date else today
            start = max(filed, justificatif.date_valid_until or filed)
            justificatif.date_purge = start + relativedelta(
                months=justificatif.type_id.retention_months or 24
            )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self._check_request_links(
            {
                request_id
                for vals in vals_list
                for request_id in m2m_added_ids(vals.get("request_ids"))
            }
        )
        justificatifs = super().create(vals_list)
        justificatifs._bind_pages()
        return justificatifs

    def write(self, vals):
        if "request_ids" in vals:
            linked = set(self.sudo().request_ids.ids)  # sudo: links compared, nothing returned
            self._check_request_links(set(m2m_added_ids(vals["request_ids"])) - linked)
        result = super().write(vals)
        if "page_ids" in vals:
            self._bind_pages()
        return result

    @api.model
    def _check_request_links(self, request_ids):
        """Linking a justificatif to a request opens it to the readers of the
        request's category: only an agent who may modify the request links it."""
        if request_ids and not self.env.su:
            self.env["collectivite.request"].browse(request_ids).check_access("write")

    def _bind_pages(self):
        """Each page belongs to its justificatif (``res_model``/``res_id``): its
        access, ``/web/content`` included, follows the justificatif's rights."""
        for justificatif in self:
            pages = justificatif.sudo().page_ids  # sudo: every page, even unreadable, is checked
            pages.with_env(self.env)._collectivite_bind(justificatif)

    @api.depends("page_ids")
    def _compute_page_count(self):
        for justificatif in self:
            justificatif.page_count = len(justificatif.page_ids)

    # ------------------------------------------------------------------ uploads
    @api.model
    def _check_uploads(self, attachments):
        """Refuse files of a forbidden type or above the size limit (settings)."""
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        allowed = {
            mimetype.strip()
            for mimetype in params.get_param(MIMETYPES_PARAM, DEFAULT_MIMETYPES).split(",")
            if mimetype.strip()
        }
        max_mb = float(params.get_param(MAX_SIZE_PARAM, 5))
        for attachment in attachments:
            if allowed and attachment.mimetype not in allowed:
                raise ValidationError(
                    self.env._(
                        "The file “%(file)s” is of a forbidden type (%(type)s); "
                        "allowed types: %(allowed)s.",
                        file=attachment.name,
                        type=attachment.mimetype,
                        allowed=", ".join(sorted(allowed)),
                    )
                )
            if attachment.file_size > max_mb * 1024 * 1024:
                raise ValidationError(
                    self.env._(
                        "The file “%(file)s” is too large (%(size).1f MB, at most %(max)s MB).",
                        file=attachment.name,
                        size=attachment.file_size / 1024 / 1024,
                        max=max_mb,
                    )
                )

    @api.constrains("page_ids")
    def _check_pages(self):
        self._check_uploads(self.page_ids)

    # --------------------------------------------------------------- life cycle
    def _log_on_requests(self):
        """Write each justificatif's new state in the history of its requests,
        in one batch of messages."""
        bodies = {}
        for justificatif in self:
            line = self.env._(
                "Justificatif “%(name)s” (%(type)s): %(state)s.",
                name=justificatif.name,
                type=justificatif.type_id.name,
                state=justificatif._state_label(justificatif.state),
            )
            for request in justificatif.request_ids:
                bodies.setdefault(request.id, []).append(line)
        if bodies:
            self.env["collectivite.request"].browse(list(bodies))._message_log_batch(
                bodies={
                    request_id: Markup("<br/>").join(lines) for request_id, lines in bodies.items()
                },
                author_id=self._history_author_id(),
            )

    def _validation_blockers(self, values):
        blockers = []
        if not self.page_ids:
            blockers.append(self.env._("it has no page: add the scanned document first"))
        valid_until = values.get("date_valid_until", self.date_valid_until)
        if valid_until and fields.Date.to_date(valid_until) < fields.Date.context_today(self):
            blockers.append(
                self.env._("it expired on %(date)s", date=fields.Date.to_date(valid_until))
            )
        return blockers

    def _validation_values(self):
        return {"validator_id": self.env.uid, "date_validated": fields.Datetime.now()}

    def _on_validated(self):
        """Justificatifs validated without an end of validity get their type's."""
        today = fields.Date.context_today(self)
        undated = self.filtered(lambda j: not j.date_valid_until and j.type_id.validity_months)
        for months, justificatifs in undated.grouped(lambda j: j.type_id.validity_months).items():
            justificatifs.write({"date_valid_until": today + relativedelta(months=months)})

    def _reset_values(self):
        return {"validator_id": False, "date_validated": False}

    def action_validate(self):
        return self._move("validated")

    def action_refuse(self):
        return self._move("refused")

    def action_expire(self):
        return self._move("expired")

    def action_reset(self):
        return self._move("pending")

    # ------------------------------------------------------------ retention
    @api.model
    def _purge_domain(self):
        return [
            ("date_purge", "<=", fields.Date.context_today(self)),
            ("request_ids", "not any", [("state", "not in", DONE_STATES)]),
        ]

    def _purge(self):
        """Delete these justificatifs with their pages and files (RGPD), with a
        note authored by the system on their requests not yet anonymised."""
        bodies = {}
        for justificatif in self:
            line = self.env._(
                "Justificatif “%(name)s” (%(type)s) deleted: its retention period has elapsed.",
                name=justificatif.name,
                type=justificatif.type_id.name,
            )
            for request in justificatif.request_ids.filtered(lambda r: not r.is_anonymized):
                bodies.setdefault(request.id, []).append(line)
        # Pages of another owner were never bound: only owned files go.
        owned = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        )
        owned.unlink()
        self.unlink()
        if bodies:
            self.env["collectivite.request"].browse(list(bodies))._message_log_batch(
                bodies={
                    request_id: Markup("<br/>").join(lines) for request_id, lines in bodies.items()
                },
                author_id=self._system_partner().id,
            )

    @api.model
    def _cron_purge(self, batch_size=500):
        """RGPD: delete justificatifs past their type's retention, with their pages."""
        domain = self._purge_domain()
        justificatifs = self.search(domain, limit=batch_size, order="id")
        justificatifs.with_context(lang=self._system_lang())._purge()
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(justificatifs), remaining=remaining)
        return remaining

    @api.model
    def _cron_expire(self, batch_size=1000):
        """Mark validated justificatifs past their validity date as expired."""
        domain = [
            ("state", "=", "validated"),
            ("date_valid_until", "<", fields.Date.context_today(self)),
        ]
        justificatifs = self.search(domain, limit=batch_size, order="id")
        with server_marks(SYSTEM_AUTHOR_MARK):
            justificatifs._as_system().action_expire()
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(justificatifs), remaining=remaining)
        return remaining
