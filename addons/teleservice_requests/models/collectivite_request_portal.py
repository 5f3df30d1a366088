from types import SimpleNamespace

from markupsafe import Markup, escape

from odoo import _lt, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools.mimetypes import guess_mimetype

AGENT_GROUP = "collectivite_base.collectivite_group_agent"
# The state of a request as the citizen reads it, in plain words.
PORTAL_STATE_LABELS = {
    "draft": _lt("Draft, not sent"),
    "pending": _lt("Received, waiting to be examined"),
    "in_progress": _lt("Being examined"),
    "complete": _lt("Complete, decision coming"),
    "incomplete": _lt("Incomplete: your answer is needed"),
    "rectified": _lt("Completed by you, being examined again"),
    "validated": _lt("Accepted"),
    "refused": _lt("Refused, see the reasons"),
    "cancelled": _lt("Request cancelled"),
    "notified": _lt("Decision sent"),
    "closed": _lt("Request closed"),
    "archived": _lt("Request closed"),
}
# The colour of the state's badge (the label says it in words too).
PORTAL_STATE_BADGES = {
    "incomplete": "text-bg-warning",
    "validated": "bg-success-subtle text-success-emphasis",
    "refused": "text-bg-danger",
    "cancelled": "text-bg-secondary",
    "closed": "text-bg-light",
    "archived": "text-bg-light",
}
# The states the citizen is mailed about (the submission has its accusé de réception).
CITIZEN_MAIL_STATES = (
    "in_progress",
    "complete",
    "incomplete",
    "rectified",
    "validated",
    "refused",
    "cancelled",
)
# What the citizen's space shows of the history: messages of these subtypes.
PUBLIC_SUBTYPES = (
    "mail.mt_comment",
    "teleservice_requests.mail_subtype_citizen_note",
    "teleservice_requests.mail_subtype_citizen_update",
)
MAX_FILES = 10
AGENT_PREFETCH = "collectivite_agent_only"
# Fields for agents only: a citizen (portal user) never reads them, in a page or
# over JSON-RPC. (Not ``groups=``: the back-office views use them in conditions.)
AGENT_ONLY_FIELDS = frozenset(
    {
        "comment",
        "data_state",
        "last_agent_id",
        "date_last_action",
        "lock_user_id",
        "lock_expiry",
        "is_locked_by_other",
        "is_locked_by_me",
        "can_edit",
        "is_manageable",
        "is_urgent",
        "is_late",
        "date_qos_alert",
        "date_legal_alert",
        "qos_notified_level",
        "is_new_notified",
        "citizen_notified_state",
    }
)


class CollectiviteRequest(models.Model):
    """The request as its citizen follows it in “Mes demandes”: its state in
    plain words, its public history, the citizen's messages and answer to an
    incomplete request (which rectifies it), a mail at each state change that
    concerns them, and the fields that stay for agents only."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    # Agent-only columns: a prefetch group of their own, so that reading what a
    # citizen may read never drags them along.
    comment = fields.Text(prefetch=AGENT_PREFETCH)
    data_state = fields.Selection(prefetch=AGENT_PREFETCH)
    last_agent_id = fields.Many2one(prefetch=AGENT_PREFETCH)
    date_last_action = fields.Datetime(prefetch=AGENT_PREFETCH)
    lock_user_id = fields.Many2one(prefetch=AGENT_PREFETCH)
    lock_expiry = fields.Datetime(prefetch=AGENT_PREFETCH)
    is_urgent = fields.Boolean(prefetch=AGENT_PREFETCH)
    is_late = fields.Boolean(prefetch=AGENT_PREFETCH)
    date_qos_alert = fields.Datetime(prefetch=AGENT_PREFETCH)
    date_legal_alert = fields.Datetime(prefetch=AGENT_PREFETCH)
    qos_notified_level = fields.Selection(prefetch=AGENT_PREFETCH)
    is_new_notified = fields.Boolean(prefetch=AGENT_PREFETCH)
    citizen_notified_state = fields.Char(
        prefetch=AGENT_PREFETCH,
        readonly=True,
        copy=False,
        help="Last state the citizen was mailed about (never twice for one move).",
    )

    portal_state_label = fields.Char(
        string="State (citizen)", compute="_compute_portal_state_label"
    )

    # ------------------------------------------------------------ the citizen
    @api.model
    def check_field_access_rights(self, operation, field_names):
        """Agent-only fields are out of a citizen's reach (reading all fields
        leaves them out; naming one is refused)."""
        if self.env.su or not self.env.user.share:
            return super().check_field_access_rights(operation, field_names)
        if field_names:
            hidden = AGENT_ONLY_FIELDS.intersection(field_names)
            if hidden:
                raise AccessError(
                    self.env._(
                        "These fields of a request are for agents only: %(fields)s.",
                        fields=", ".join(sorted(hidden)),
                    )
                )
            return super().check_field_access_rights(operation, field_names)
        names = super().check_field_access_rights(operation, field_names)
        return [name for name in names if name not in AGENT_ONLY_FIELDS]

    @api.depends("state")
    @api.depends_context("lang")
    def _compute_portal_state_label(self):
        labels = {}  # one translation per state, not per request
        for request in self:
            if request.state not in labels:
                labels[request.state] = request._portal_state_label()
            request.portal_state_label = labels[request.state]

    def _portal_state_badge_class(self):
        """The classes of the state's badge on the citizen's pages."""
        self.ensure_one()
        return PORTAL_STATE_BADGES.get(self.state, "bg-info-subtle text-info-emphasis")

    def _portal_state_label(self):
        self.ensure_one()
        label = PORTAL_STATE_LABELS.get(self.state)
        return str(label) if label else self._state_label(self.state)

    def _is_citizen_of(self, user):
        """Whether ``user`` is a member of the request's household (or, for a
        request without household, its requester)."""
        self.ensure_one()
        partner = user.partner_id
        if self.household_id:
            return partner.household_id == self.household_id
        return self.requester_id == partner

    def _portal_can_answer(self):
        """Whether the citizen may answer the request now (incomplete, not locked)."""
        self.ensure_one()
        return self.state == "incomplete" and not self._rectification_blockers({})

    def _rectification_blockers(self, values):
        """Agents rectify; a citizen only their household's incomplete request,
        and not while an agent holds it."""
        user = self.env.user
        if user._is_internal():
            if not user.has_group(AGENT_GROUP):
                return [self.env._("only an agent or the citizen concerned may rectify it")]
            return []
        blockers = []
        if not self._is_citizen_of(user):
            blockers.append(self.env._("it is not a request of your household"))
        now = fields.Datetime.now()
        lock = self.sudo()  # sudo: whether an agent holds it, not who
        if lock.lock_user_id and lock.lock_expiry and lock.lock_expiry > now:
            blockers.append(self.env._("an agent is examining it: try again later"))
        return blockers

    def _rectification_values(self):
        if self.env.user._is_internal():
            return self._agent_values()
        return {}

    @api.model
    def _portal_public_subtypes(self):
        return self.env["mail.message.subtype"].browse(
            [self.env.ref(xmlid).id for xmlid in PUBLIC_SUBTYPES]
        )

    def _portal_messages(self):
        """The public history of the request: notes and messages to and from the
        citizen, the accusé de réception and the state changes; never internal
        notes. Read after the request's own access check."""
        self.ensure_one()
        self.check_access("read")
        # sudo: the request is readable (checked above); only public subtypes are kept
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("message_type", "in", ("comment", "email", "notification")),
                    ("subtype_id", "in", self._portal_public_subtypes().ids),
                    ("subtype_id.internal", "=", False),
                    ("is_internal", "=", False),
                ],
                order="date desc, id desc",
            )
        )

    def _portal_message_author(self, message):
        """“You” for the household, the collectivité for its agents: the agent's
        name stays in the back office."""
        self.ensure_one()
        author = message.author_id
        if author == self.env.user.partner_id:
            return self.env._("You")
        if author and (author == self.requester_id or author in self.household_id.member_ids):
            return author.name
        return self.company_id.name

    def _portal_post_message(self, body):
        """The citizen writes to the agents in charge (shown in the history)."""
        self.ensure_one()
        self.check_access("read")
        body = (body or "").strip()
        if not body:
            raise UserError(self.env._("Write your message first."))
        if not self._is_citizen_of(self.env.user):
            raise UserError(self.env._("You can only write about the requests of your household."))
        return self.message_post(
            body=escape(body).replace("\n", Markup("<br/>")),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    @api.model
    def _portal_check_files(self, files):
        """Check posted files before anything is stored: the type from their
        content (never their name), the size limit of the settings.

        :param files: ``[(filename, bytes)]``
        :return: ``[(filename, bytes, mimetype)]``"""
        if len(files) > MAX_FILES:
            raise UserError(self.env._("Send at most %(count)s files at once.", count=MAX_FILES))
        checked = [(name, raw, guess_mimetype(raw)) for name, raw in files]
        self.env["collectivite.justificatif"]._check_uploads(
            [
                SimpleNamespace(name=name, mimetype=mimetype, file_size=len(raw))
                for name, raw, mimetype in checked
            ]
        )
        return checked

    def _portal_answer(self, body, justificatif_type_id=None, files=()):
        """The citizen answers an incomplete request: a message, and / or the
        missing justificatif (its pages); the request becomes rectifiée.
        Everything or nothing is stored.

        :param files: ``[(filename, bytes)]``, the pages of one justificatif"""
        self.ensure_one()
        self.check_access("read")
        if self.state != "incomplete":
            raise UserError(
                self.env._(
                    "This request is “%(state)s”: it cannot be answered.",
                    state=self._portal_state_label(),
                )
            )
        blockers = self._rectification_blockers({})
        if blockers:
            raise UserError(self.env._("You cannot answer now: %(why)s.", why="; ".join(blockers)))
        body = (body or "").strip()
        files = [(name, raw) for name, raw in files if raw]
        if not body and not files:
            raise UserError(self.env._("Write an answer or add the missing document."))
        checked = self._portal_check_files(files) if files else []
        lines = [escape(body).replace("\n", Markup("<br/>"))] if body else []
        with self.env.cr.savepoint():
            if checked:
                justificatif_type = self.teleservice_id.justificatif_type_ids.filtered(
                    lambda jtype: jtype.id == justificatif_type_id
                )
                if not justificatif_type:
                    raise UserError(self.env._("Choose which document you are sending."))
                justificatif = self._portal_create_justificatif(justificatif_type, checked)
                lines.append(
                    escape(
                        self.env._(
                            "Document added: %(type)s (%(count)s page(s)).",
                            type=justificatif_type.name,
                            count=len(justificatif.page_ids),
                        )
                    )
                )
            self.message_post(
                body=Markup("<br/>").join(lines),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            # sudo: the citizen's own move, checked by its guard (household, lock)
            self.sudo()._move("rectified")
        return True

    def _portal_create_justificatif(self, justificatif_type, checked):
        """A justificatif of the household with the checked pages, linked to the
        request (called by ``_portal_answer`` after its checks)."""
        attachments = (
            self.env["ir.attachment"]
            .sudo()  # sudo: the citizen's checked pages, bound to their justificatif below
            .create(
                [
                    {"name": name, "raw": raw, "mimetype": mimetype}
                    for name, raw, mimetype in checked
                ]
            )
        )
        # sudo: portal users only read justificatifs; this one is the household's own
        return (
            self.env["collectivite.justificatif"]
            .sudo()
            .create(
                {
                    "name": justificatif_type.name,
                    "type_id": justificatif_type.id,
                    "household_id": self.household_id.id,
                    "partner_id": self.subject_id.id or self.requester_id.id,
                    "company_id": self.company_id.id,
                    "page_ids": [Command.set(attachments.ids)],
                    "request_ids": [Command.link(self.id)],
                }
            )
        )

    # -------------------------------------------------------- mails on moves
    def write(self, vals):
        result = super().write(vals)
        # Inside the move's own write (once per move): the citizen is told.
        if "state" in vals and self._is_moving("state"):
            self._notify_citizen_state()
        return result

    def _notify_citizen_state(self):
        """A mail to the requester for each state change that concerns them,
        once per move (the marker keeps a rerun from mailing twice)."""
        # sudo: the marker and the mail are the server's, on requests just moved
        requests = self.sudo().filtered(
            lambda r: (
                r.state in CITIZEN_MAIL_STATES
                and r.citizen_notified_state != r.state
                and r.requester_id
            )
        )
        for state, moved in requests.grouped("state").items():
            moved._post_citizen_mail("teleservice_requests.mail_template_request_state")
            moved.write({"citizen_notified_state": state})

    def _post_citizen_mail(self, template_xmlid):
        """Mail ``template_xmlid`` to each request's requester and keep the same
        text in the public history. The history entry names no recipient: the
        citizen reads it through the request, as long as they may read it."""
        template = self.env.ref(template_xmlid)
        subtype = self.env.ref("teleservice_requests.mail_subtype_citizen_update")
        # Rendered once for the history and the mail.
        rendered = template._collectivite_render(self.ids)
        for request in self:
            request.message_post(
                body=rendered[request.id]["body_html"],
                subject=rendered[request.id]["subject"],
                message_type="notification",
                subtype_id=subtype.id,
                author_id=request.company_id.partner_id.id,
            )
        template._collectivite_send_rendered(rendered, "mail.mail_notification_light")

    def _check_citizen_can_modify(self):
        # sudo: whether an agent holds the lock, not who (agent-only fields)
        return super(CollectiviteRequest, self.sudo())._check_citizen_can_modify()

    def _portal_url(self):
        self.ensure_one()
        return f"/my/demandes/{self.id}"

    def _portal_full_url(self):
        self.ensure_one()
        # sudo: whether the request was made without an account (its tracking code
        # exists), to link the visitor to their private follow-up page
        if self.sudo().tracking_code:
            return self._portal_tracking_url()
        base = self.get_base_url()
        return f"{base}{self._portal_url()}"
