from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_datetime

from odoo.addons.collectivite_base.markers import is_marked, server_marks

LOCK_PARAM = "teleservice_requests.lock_minutes"
LOCK_FIELDS = {"lock_user_id", "lock_expiry"}
# Server marker: the lock's own writes (take, release, take over) skip the lock check.
LOCK_BYPASS_MARK = "teleservice_lock_bypass"


class CollectiviteRequest(models.Model):
    """The agent's lock on a request: an agent who modifies a request holds it
    for the téléservice's duration; other agents and the citizen's space may
    not modify it meanwhile; a manager may release it or take it over."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    lock_user_id = fields.Many2one("res.users", string="Locked by", readonly=True, copy=False)
    lock_expiry = fields.Datetime(string="Locked until", readonly=True, copy=False)
    is_locked_by_other = fields.Boolean(compute="_compute_lock")
    is_locked_by_me = fields.Boolean(compute="_compute_lock")
    can_edit = fields.Boolean(compute="_compute_lock")

    @api.depends_context("uid")
    @api.depends("lock_user_id", "lock_expiry", "category_id")
    def _compute_lock(self):
        now = fields.Datetime.now()
        writable = self.env.user.teleservice_write_category_ids
        for request in self:
            locked = bool(
                request.lock_user_id and request.lock_expiry and request.lock_expiry > now
            )
            request.is_locked_by_me = locked and request.lock_user_id == self.env.user
            request.is_locked_by_other = locked and request.lock_user_id != self.env.user
            request.can_edit = (
                request.category_id in writable or self.env.su
            ) and not request.is_locked_by_other

    def write(self, vals):
        if not self.env.su and not is_marked(LOCK_BYPASS_MARK):
            if self.env.user.share:
                self._check_citizen_can_modify()
            self._check_lock()
            if set(vals) - LOCK_FIELDS and self.env.user._is_internal():
                # Each request locked for its téléservice's duration.
                for minutes, requests in self._group_by_lock_minutes().items():
                    super(CollectiviteRequest, requests).write(
                        dict(vals, **self._lock_values(minutes))
                    )
                return True
        return super().write(vals)

    def _group_by_lock_minutes(self):
        """{lock duration in minutes: requests}: the téléservice's duration,
        or the platform settings' when it has none."""
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        default = int(params.get_param(LOCK_PARAM, 30))
        return self.grouped(lambda request: request.teleservice_id.lock_minutes or default)

    @api.model
    def _lock_values(self, minutes):
        return {
            "lock_user_id": self.env.uid,
            "lock_expiry": fields.Datetime.now() + timedelta(minutes=minutes),
        }

    def _write_lock(self):
        """Lock the requests to the current user, each for its duration."""
        for minutes, requests in self._group_by_lock_minutes().items():
            with server_marks(LOCK_BYPASS_MARK):
                requests.write(self._lock_values(minutes))
        return True

    def _check_lock(self):
        for request in self:
            if request.is_locked_by_other:
                raise UserError(
                    self.env._(
                        "Request %(ref)s is locked by %(user)s until %(until)s.",
                        ref=request.name,
                        user=request.lock_user_id.name,
                        until=format_datetime(self.env, request.lock_expiry),
                    )
                )

    def action_lock(self):
        """Take the lock to modify the request (refused when another agent holds it)."""
        self.check_access("write")
        self._check_lock()
        return self._write_lock()

    def action_unlock(self):
        is_manager = self.env.user.has_group("collectivite_base.collectivite_group_manager")
        for request in self:
            if request.is_locked_by_other and not is_manager:
                raise AccessError(
                    self.env._(
                        "Only %(user)s or a manager can release the lock of %(ref)s.",
                        user=request.lock_user_id.name,
                        ref=request.name,
                    )
                )
        self.check_access("write")
        with server_marks(LOCK_BYPASS_MARK):
            return self.write({"lock_user_id": False, "lock_expiry": False})

    def action_take_over(self):
        if not self.env.user.has_group("collectivite_base.collectivite_group_manager"):
            raise AccessError(self.env._("Only a manager can take over the lock of a request."))
        self.check_access("write")
        holders = ", ".join(self.lock_user_id.mapped("name"))
        self._write_lock()
        for request in self:
            request.message_post(
                body=self.env._("Lock taken over from %(holders)s.", holders=holders or "-"),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _check_citizen_can_modify(self):
        """The citizen's space may not modify a request an agent has locked."""
        now = fields.Datetime.now()
        for request in self:
            if request.lock_user_id and request.lock_expiry and request.lock_expiry > now:
                raise UserError(
                    self.env._(
                        "Request %(ref)s is being instructed by an agent: it cannot be "
                        "modified for now.",
                        ref=request.name,
                    )
                )
