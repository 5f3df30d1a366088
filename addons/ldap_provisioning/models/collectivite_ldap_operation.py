from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.collectivite_base.markers import is_marked, server_marks
from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move

from .. import ldap_client
from ..exceptions import DirectoryError

# Marks the operation's own writes of its status while it runs.
INTERNAL_MARK = "ldap_operation_internal"


class CollectiviteLdapOperation(models.Model):
    """One change of the referential: written to the directory, then to Odoo.

    Each operation has two steps with a visible status (``is_ldap_done``,
    ``is_odoo_done``, ``error_message``). A failure on either side leaves the
    operation in error; ``action_retry`` finishes it without duplicating
    anything (entries and users are found again by uid / code).

    This file holds what every operation shares: status, moves, guards of
    ``create`` / ``write`` and the run (``_execute``). Each step of a target
    is a method ``_check_odoo_<target>_<type>``, ``_ldap_<target>_<type>`` and
    ``_odoo_<target>_<type>``: agents in ``collectivite_ldap_operation_agent.py``,
    schools and leisure centres in ``collectivite_ldap_operation_place.py``;
    who may run what in ``collectivite_ldap_operation_rights.py``.
    """

    _name = "collectivite.ldap.operation"
    _description = "Directory operation"
    _inherit = ["mail.thread", "collectivite.state.mixin"]
    _order = "id desc"

    # Every move is made by running the operation (or cancelling it), never by a
    # client writing its state.
    _state_moves = {
        "state": {
            (source, target): Move(by_write=False)
            for source, targets in {
                "draft": ("ldap_done", "done", "error", "cancelled"),
                "ldap_done": ("done", "error"),
                "error": ("ldap_done", "done", "cancelled"),
            }.items()
            for target in targets
        },
    }

    name = fields.Char(compute="_compute_name", search="_search_name")
    ldap_config_id = fields.Many2one(
        "res.company.ldap",
        string="Directory",
        required=True,
        index=True,
        domain=[("is_provisioning", "=", True)],
        default=lambda self: self._default_ldap_config(),
    )
    company_id = fields.Many2one(
        related="ldap_config_id.company", string="Company", store=True, index=True
    )
    target = fields.Selection(
        [("agent", "Agent"), ("place", "School or leisure centre")],
        required=True,
        default="agent",
    )
    operation_type = fields.Selection(
        [("create", "Creation"), ("update", "Modification"), ("disable", "Disabling")],
        string="Operation",
        required=True,
        default="create",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("ldap_done", "Directory done"),
            ("done", "Done"),
            ("error", "Error"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    is_ldap_done = fields.Boolean(string="Directory step done", readonly=True, copy=False)
    is_odoo_done = fields.Boolean(string="Odoo step done", readonly=True, copy=False)
    has_ldap_entry = fields.Boolean(
        readonly=True, copy=False, help="The directory entry was written by this operation."
    )
    error_message = fields.Text(readonly=True, copy=False)
    date_done = fields.Datetime(string="Done on", readonly=True, copy=False)

    # Written only by running the operation (``_move`` / ``_write_internal``).
    _status_fields = frozenset(
        ("state", "is_ldap_done", "is_odoo_done", "has_ldap_entry", "error_message", "date_done")
    )

    # Fields whose values decide which groups an operation gives and to whom.
    _rights_fields = frozenset(
        ("target", "operation_type", "user_id", "group_mapping_ids", "ldap_config_id")
    )

    @api.model_create_multi
    def create(self, vals_list):
        # Defaults sent in the context count as values (``default_has_ldap_entry``...).
        defaults = {
            key[8:]: value for key, value in self.env.context.items() if key.startswith("default_")
        }
        started = any(
            {**defaults, **vals}.get(name) not in (None, False, "draft")
            for vals in vals_list
            for name in self._status_fields
        )
        if started and not self.env.su:
            raise UserError(self.env._("The status of an operation changes only by running it."))
        operations = super().create(vals_list)
        operations._check_operator_rights()
        return operations

    def write(self, vals):
        if not (self.env.su or is_marked(INTERNAL_MARK)):
            if self._status_fields & set(vals):
                raise UserError(
                    self.env._("The status of an operation changes only by running it.")
                )
            own = {name for name, field in self._fields.items() if field._module == self._module}
            if set(vals) & own and any(operation.state != "draft" for operation in self):
                raise UserError(
                    self.env._(
                        "Only a draft operation can be modified; a started one is finished "
                        "with Retry."
                    )
                )
        result = super().write(vals)
        if self._rights_fields & set(vals):
            self._check_operator_rights()
        if vals.get("state", "draft") != "draft":
            self._forget_pending_password()
        return result

    def _write_internal(self, vals):
        with server_marks(INTERNAL_MARK):
            return self.write(vals)

    def _move(self, target, values=None, field="state"):
        with server_marks(INTERNAL_MARK):
            return super()._move(target, values, field)

    def _fail(self, message):
        """Record the failure of a step: the operation is (or stays) in error."""
        if self.state == "error":
            return self._write_internal({"error_message": message})
        return self._move("error", {"error_message": message})

    @api.model
    def _action_new(self, **defaults):
        """Window action opening a new operation with these defaults."""
        context = {"default_%s" % key: value for key, value in defaults.items() if value}
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    @api.model
    def _default_ldap_config(self):
        return self.env["res.company.ldap"].search(
            [("is_provisioning", "=", True), ("company", "=", self.env.company.id)], limit=1
        )

    def _search_name(self, operator, value):
        if operator not in ("ilike", "=", "like", "=ilike", "not ilike", "!="):
            return NotImplemented
        domain = [
            "|",
            "|",
            ("ldap_uid", operator, value),
            ("place_code", operator, value),
            ("place_name", operator, value),
        ]
        if operator in ("not ilike", "!="):
            domain = ["&", "&", *domain[2:]]
        return domain

    @api.depends_context("lang")
    @api.depends("target", "operation_type", "ldap_uid", "place_code", "user_id", "school_id")
    def _compute_name(self):
        operations = dict(self._fields["operation_type"]._description_selection(self.env))
        targets = dict(self._fields["target"]._description_selection(self.env))
        for operation in self:
            subject = (
                operation.ldap_uid or operation.user_id.login
                if operation.target == "agent"
                else operation.place_code or operation.school_id.code
            )
            operation.name = self.env._(
                "%(operation)s: %(target)s %(subject)s",
                operation=operations.get(operation.operation_type, ""),
                target=(targets.get(operation.target) or "").lower(),
                subject=subject or "",
            )

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.constrains(
        "target",
        "operation_type",
        "ldap_uid",
        "email",
        "surname",
        "given_name",
        "group_mapping_ids",
        "user_id",
        "place_code",
        "place_name",
        "school_id",
    )
    def _check_values(self):
        for operation in self:
            if operation.target == "agent":
                operation._check_agent_values()
            else:
                operation._check_place_values()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(operation.state != "draft" for operation in self):
            raise UserError(
                self.env._("Only draft operations can be deleted; the others are history.")
            )

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------
    def action_execute(self):
        self._check_provisioning_rights()
        results = []
        for operation in self:
            if operation.state in ("done", "cancelled"):
                raise UserError(
                    self.env._(
                        "%(operation)s is already done or cancelled.",
                        operation=operation.display_name,
                    )
                )
            results.append(operation._execute())
        return all(results)

    def action_cancel(self):
        """Give up a draft operation or one in error (history is kept).

        A directory step already done is not rolled back: the next
        synchronisation aligns Odoo with the directory.
        """
        self._check_provisioning_rights()
        for operation in self:
            if operation.state not in ("draft", "error"):
                raise UserError(
                    self.env._(
                        "Only a draft operation or one in error can be cancelled "
                        "(%(operation)s is “%(state)s”).",
                        operation=operation.display_name,
                        state=operation._state_label(operation.state),
                    )
                )
            if operation.is_ldap_done:
                operation.message_post(
                    body=self.env._(
                        "Cancelled after the directory step: the directory keeps the change, "
                        "the next synchronisation brings it to Odoo."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        self._move("cancelled")
        return True

    def action_retry(self):
        for operation in self:
            if operation.state not in ("error", "ldap_done"):
                raise UserError(
                    self.env._(
                        "Only an operation in error can be retried (%(operation)s is “%(state)s”).",
                        operation=operation.display_name,
                        state=operation._state_label(operation.state),
                    )
                )
        return self.action_execute()

    def _execute(self):
        """Directory step, then Odoo step; a directory failure is kept visible."""
        self.ensure_one()
        config = self.ldap_config_id
        step = "%s_%s" % (self.target, self.operation_type)
        if self.state == "draft":
            getattr(self, "_check_odoo_%s" % step, lambda: None)()
        if not self.is_ldap_done:
            conf = config._provisioning_conf()
            try:
                with config._ldap_open(conf) as connection:
                    getattr(self, "_ldap_%s" % step)(connection, conf)
            except DirectoryError as error:
                self._fail(str(error))
                return False
            self._move("ldap_done", {"is_ldap_done": True, "error_message": False})
        try:
            with self.env.cr.savepoint():
                getattr(self, "_odoo_%s" % step)()
        except (UserError, ValidationError) as error:
            self._fail(str(error))
            return False
        self._move(
            "done",
            {"is_odoo_done": True, "error_message": False, "date_done": fields.Datetime.now()},
        )
        return True

    # ------------------------------------------------------------------
    # Directory writes shared by the targets
    # ------------------------------------------------------------------
    def _ldap_modify_person(self, connection, dn, attributes):
        """Replace attributes of an entry (a person or a place; empty: removed)."""
        ldap_client.replace_attributes(connection, dn, attributes)
