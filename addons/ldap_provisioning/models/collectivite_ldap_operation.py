import logging
import re

import ldap
from ldap.filter import filter_format

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import escape_psql

from odoo.addons.collectivite_base.markers import is_marked, server_marks
from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move

from ..ldap_utils import DirectoryError, encode_modlist, first_value

# Marks the operation's own writes of its status while it runs.
INTERNAL_MARK = "ldap_operation_internal"
UID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_logger = logging.getLogger(__name__)

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class CollectiviteLdapOperation(models.Model):
    """One change of the referential: written to the directory, then to Odoo.

    Each operation has two steps with a visible status (``is_ldap_done``,
    ``is_odoo_done``, ``error_message``). A failure on either side leaves the
    operation in error; ``action_retry`` finishes it without duplicating
    anything (entries and users are found again by uid / code).
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

    # Agent
    user_id = fields.Many2one(
        "res.users",
        string="Agent",
        index=True,
        domain="[('ldap_config_id', '=', ldap_config_id)]",
        context={"active_test": False},
    )
    ldap_uid = fields.Char(string="Login (uid)")
    given_name = fields.Char(string="First name")
    surname = fields.Char(string="Last name")
    email = fields.Char()
    phone = fields.Char()
    service = fields.Char()
    group_mapping_ids = fields.Many2many(
        "collectivite.ldap.group.mapping",
        "collectivite_ldap_operation_mapping_rel",
        "operation_id",
        "mapping_id",
        string="Groups",
        domain="[('ldap_config_id', '=', ldap_config_id), ('group_ids', '!=', False)]",
    )
    initial_password = fields.Char(
        string="Directory password",
        compute="_compute_initial_password",
        inverse="_inverse_initial_password",
        help="Given to the directory with the LDAP Password Modify operation, which hashes it; "
        "never kept once the operation is done, in error or cancelled.",
    )
    # The password waiting for the directory step (Password Modify needs it as
    # typed): system-only, emptied by any move out of draft.
    pending_password = fields.Char(copy=False, groups="base.group_system")

    # School or leisure centre
    school_id = fields.Many2one(
        "collectivite.school",
        string="School or leisure centre",
        index=True,
        context={"active_test": False},
    )
    place_code = fields.Char(string="Code")
    place_name = fields.Char(string="Place name")
    place_type = fields.Selection(
        [("school", "School"), ("leisure_centre", "Leisure centre")],
        string="Type",
        default="school",
    )
    place_street = fields.Char(string="Street")
    place_zip = fields.Char(string="ZIP")
    place_city = fields.Char(string="City")
    place_phone = fields.Char(string="Phone number")

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

    def _compute_initial_password(self):
        self.initial_password = False

    def _inverse_initial_password(self):
        for operation in self:
            if operation.initial_password:
                if operation.state != "draft":
                    raise UserError(
                        self.env._("The password of a started operation cannot be changed.")
                    )
                operation._check_operator_rights()
                # sudo: system-only field, written after the rights check above
                operation.sudo().pending_password = operation.initial_password

    def _forget_pending_password(self):
        """Empty the pending password of operations out of draft.

        A password still there when an operation ends in error never reached the
        directory: the chatter says so (the retry creates or modifies the entry
        without it).
        """
        # sudo: system-only field, only emptied here
        operations = self.sudo().filtered(lambda o: o.state != "draft" and o.pending_password)
        if not operations:
            return
        operations.pending_password = False
        for operation in operations.filtered(lambda o: o.state == "error"):
            operation.message_post(
                body=self.env._(
                    "The password typed for this operation did not reach the directory and was "
                    "not kept: give it with a modification of the agent."
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.onchange("user_id")
    def _onchange_user_id(self):
        user = self.user_id
        if not user:
            return
        self.ldap_uid = user.ldap_uid or user.login
        self.given_name = user.ldap_given_name
        self.surname = user.ldap_surname
        self.email = user.email
        self.phone = user.phone
        self.service = user.ldap_service
        mappings = self.ldap_config_id.group_mapping_ids.filtered(
            lambda m: m.group_ids and m.group_ids <= user.groups_id
        )
        # The highest role only: implied groups would select every lower one too.
        implied = mappings.group_ids.trans_implied_ids
        self.group_mapping_ids = mappings.filtered(lambda m: not (m.group_ids <= implied))

    @api.onchange("school_id")
    def _onchange_school_id(self):
        school = self.school_id
        if school:
            self.place_code = school.code
            self.place_name = school.name
            self.place_type = school.place_type
            self.place_street = school.street
            self.place_zip = school.zip
            self.place_city = school.city
            self.place_phone = school.phone

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

    def _check_agent_values(self):
        if self.operation_type == "create" and not UID_RE.match(self.ldap_uid or ""):
            raise ValidationError(
                self.env._(
                    "The login %(uid)s is not valid: lowercase letters, digits, dots, dashes "
                    "and underscores only (e.g. philippe.usclade).",
                    uid=self.ldap_uid or "",
                )
            )
        if self.operation_type in ("update", "disable"):
            if not self.user_id:
                raise ValidationError(self.env._("Choose the agent to modify or disable."))
            if self.user_id.ldap_config_id != self.ldap_config_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not an agent of this directory: only agents provisioned "
                        "from it can be modified or disabled here.",
                        user=self.user_id.display_name,
                    )
                )
        if self.operation_type == "disable":
            return
        if not self.surname or not self.given_name:
            raise ValidationError(self.env._("An agent needs a first name and a last name."))
        if not tools.single_email_re.match(self.email or ""):
            raise ValidationError(
                self.env._("The email address %(email)s is not valid.", email=self.email or "")
            )
        if not self.group_mapping_ids:
            raise ValidationError(self.env._("Choose at least one group for the agent."))
        for mapping in self.group_mapping_ids:
            if mapping.ldap_config_id != self.ldap_config_id or not mapping.group_ids:
                raise ValidationError(
                    self.env._(
                        "The group %(group)s is not mapped to Odoo groups in this directory.",
                        group=mapping.display_name,
                    )
                )

    def _check_place_values(self):
        if self.operation_type == "create":
            if not CODE_RE.match(self.place_code or ""):
                raise ValidationError(
                    self.env._(
                        "The code %(code)s is not valid: letters, digits, dots, dashes and "
                        "underscores only.",
                        code=self.place_code or "",
                    )
                )
        elif not self.school_id:
            raise ValidationError(self.env._("Choose the school or leisure centre."))
        if self.operation_type != "disable" and not self.place_name:
            raise ValidationError(self.env._("A school or leisure centre needs a name."))

    def _check_provisioning_rights(self):
        if not self.env.user.has_group("ldap_provisioning.group_referential_admin"):
            raise AccessError(
                self.env._("Only the administrators of the referential run directory operations.")
            )
        self.check_access("write")
        self._check_operator_rights()

    def _operator_rights_blockers(self):
        """Why the current user may not make this operation (French sentences).

        An operator gives only Odoo groups they hold themselves, and modifies,
        disables or sets the password of an agent only when the agent has no
        group they do not hold.
        """
        self.ensure_one()
        if self.env.su or self.target != "agent":
            return []
        operator_groups = self.env.user.groups_id
        blockers = []
        if self.operation_type != "disable":
            missing = self.group_mapping_ids.group_ids - operator_groups
            if missing:
                blockers.append(
                    self.env._(
                        "You cannot give groups you do not hold yourself: %(groups)s.",
                        groups=", ".join(missing.mapped("full_name")),
                    )
                )
        if self.operation_type in ("update", "disable") and self.user_id:
            blockers += self._target_rights_blockers(self.user_id.groups_id)
        return blockers

    def _target_rights_blockers(self, groups):
        """Blockers when the agent has ``groups`` the current user does not hold."""
        above = groups - self.env.user.groups_id
        if not above:
            return []
        return [
            self.env._(
                "%(agent)s has rights you do not hold (%(groups)s): only an operator who holds "
                "them can modify this agent, disable them or change their password.",
                agent=self.user_id.display_name or self.ldap_uid or "",
                groups=", ".join(above.mapped("full_name")),
            )
        ]

    def _check_operator_rights(self):
        for operation in self:
            blockers = operation._operator_rights_blockers()
            if blockers:
                raise AccessError("\n".join(blockers))

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
    # Agents: directory side
    # ------------------------------------------------------------------
    def _check_odoo_agent_create(self):
        Users = self.env["res.users"].sudo().with_context(active_test=False)  # sudo: unicity
        if Users.search_count([("login", "=ilike", escape_psql(self.ldap_uid))]):
            raise UserError(
                self.env._("The login %(uid)s is already used by an Odoo user.", uid=self.ldap_uid)
            )

    def _person_dn(self, conf):
        return "uid=%s,%s" % (ldap.dn.escape_dn_chars(self.ldap_uid), conf["people_base"])

    def _person_attributes(self):
        return {
            "cn": "%s %s" % (self.given_name, self.surname),
            "givenName": self.given_name,
            "sn": self.surname,
            "mail": self.email,
            "telephoneNumber": self.phone or "",
            "departmentNumber": self.service or "",
        }

    def _ldap_agent_create(self, connection, conf):
        config = self.ldap_config_id
        found = config._ldap_find_person(connection, conf, self.ldap_uid)
        if found and not self.has_ldap_entry:
            raise UserError(
                self.env._("The login %(uid)s already exists in the directory.", uid=self.ldap_uid)
            )
        attributes = self._person_attributes()
        if found:
            # The entry this operation wrote (a retry): still only with groups
            # the operator holds.
            dn = found[0]
            self._ldap_check_target_rights(connection, conf, dn)
            self._ldap_modify_person(connection, dn, attributes)
        else:
            dn = self._person_dn(conf)
            values = dict(
                attributes,
                objectClass=["top", "person", "organizationalPerson", "inetOrgPerson"],
                uid=self.ldap_uid,
            )
            connection.add_s(dn, encode_modlist(values))
            # Kept even when a later step fails: a retry finishes this entry.
            self._write_internal({"has_ldap_entry": True})
        self._ldap_set_password(connection, dn)
        self._ldap_set_memberships(connection, conf, dn, self.group_mapping_ids)

    def _ldap_modify_person(self, connection, dn, attributes):
        modlist = [
            (ldap.MOD_REPLACE, key, [value.encode()] if value else None)
            for key, value in attributes.items()
        ]
        connection.modify_s(dn, modlist)

    def _ldap_set_password(self, connection, dn):
        """Give the pending password to the directory (RFC 3062 Password Modify).

        The directory hashes it with its own scheme; Odoo never writes
        ``userPassword``. Emptied at once: a later failure cannot replay it.
        """
        password = self.sudo().pending_password  # sudo: system-only field, this operation's
        if not password:
            return
        connection.passwd_s(dn, None, password)
        self.sudo().pending_password = False  # sudo: system-only field, used

    def _ldap_check_target_rights(self, connection, conf, dn):
        """The agent's groups in the directory itself (not only in Odoo) must be
        held by the operator: a change made outside Odoo counts too."""
        if self.env.su or not conf["groups_base"]:
            return
        entries = self.ldap_config_id._ldap_paged_search(
            connection,
            conf,
            conf["groups_base"],
            filter_format(
                "(&(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))"
                "(|(member=%s)(uniqueMember=%s)))",
                [dn, dn],
            ),
            ["cn"],
        )
        cns = {first_value(attrs, "cn") for _dn, attrs in entries}
        groups = self.ldap_config_id._groups_for_cns(cns)
        blockers = self._target_rights_blockers(groups | groups.trans_implied_ids)
        if blockers:
            raise AccessError("\n".join(blockers))

    def _ldap_agent_update(self, connection, conf):
        dn = self.user_id.ldap_dn
        self._ldap_check_target_rights(connection, conf, dn)
        self._ldap_modify_person(connection, dn, self._person_attributes())
        self._ldap_set_password(connection, dn)
        self._ldap_set_memberships(connection, conf, dn, self.group_mapping_ids)

    def _ldap_agent_disable(self, connection, conf):
        dn = self.user_id.ldap_dn
        self._ldap_check_target_rights(connection, conf, dn)
        self._ldap_set_memberships(
            connection, conf, dn, self.env["collectivite.ldap.group.mapping"]
        )
        if self.ldap_config_id.disable_mode == "delete":
            try:
                connection.delete_s(dn)
            except ldap.NO_SUCH_OBJECT:
                _logger.debug("%s already deleted (retry)", dn)

    def _ldap_set_memberships(self, connection, conf, dn, mappings):
        """Make ``dn`` a member of the groups of ``mappings`` and of no other
        mapped group of the directory (idempotent)."""
        if not conf["groups_base"]:
            return
        for mapping in self.ldap_config_id.group_mapping_ids:
            group_dn = "cn=%s,%s" % (
                ldap.dn.escape_dn_chars(mapping.ldap_group_cn),
                conf["groups_base"],
            )
            if mapping in mappings:
                self._ldap_add_member(connection, group_dn, mapping.ldap_group_cn, dn)
            else:
                self._ldap_remove_member(connection, group_dn, dn)

    def _ldap_add_member(self, connection, group_dn, cn, dn):
        try:
            connection.modify_s(group_dn, [(ldap.MOD_ADD, "member", [dn.encode()])])
        except ldap.TYPE_OR_VALUE_EXISTS:
            _logger.debug("%s already a member of %s", dn, group_dn)
        except ldap.NO_SUCH_OBJECT:
            connection.add_s(
                group_dn,
                encode_modlist({"objectClass": ["top", "groupOfNames"], "cn": cn, "member": dn}),
            )

    def _ldap_remove_member(self, connection, group_dn, dn):
        try:
            connection.modify_s(group_dn, [(ldap.MOD_DELETE, "member", [dn.encode()])])
        except (ldap.NO_SUCH_ATTRIBUTE, ldap.NO_SUCH_OBJECT):
            _logger.debug("%s not a member of %s", dn, group_dn)
        except ldap.OBJECT_CLASS_VIOLATION:
            # groupOfNames needs a member: the group keeps itself as placeholder.
            connection.modify_s(group_dn, [(ldap.MOD_REPLACE, "member", [group_dn.encode()])])

    # ------------------------------------------------------------------
    # Agents: Odoo side
    # ------------------------------------------------------------------
    def _person_values(self, dn):
        return {
            "dn": dn,
            "uid": (self.ldap_uid or self.user_id.ldap_uid).lower(),
            "name": "%s %s" % (self.given_name, self.surname),
            "given_name": self.given_name,
            "surname": self.surname,
            "email": self.email,
            "phone": self.phone or "",
            "service": self.service or "",
            "group_cns": set(self.group_mapping_ids.mapped("ldap_group_cn")),
        }

    def _odoo_agent_create(self):
        conf = self.ldap_config_id._provisioning_conf()
        Users = self.env["res.users"].sudo()  # sudo: login unicity over every user
        user = Users.with_context(active_test=False).search(
            [("login", "=ilike", escape_psql(self.ldap_uid))], limit=1
        )
        dn = user.ldap_dn or self._person_dn(conf)
        result = self.ldap_config_id._provision_agents([self._person_values(dn)], strict=True)
        users = result["created"] | result["updated"]
        self._write_internal({"user_id": (users[:1] or user).id})

    def _odoo_agent_update(self):
        person = self._person_values(self.user_id.ldap_dn)
        self.ldap_config_id._provision_agents([person], strict=True)

    def _odoo_agent_disable(self):
        user = self.user_id.sudo()  # sudo: checked operation on a linked agent
        if user.id in self.ldap_config_id._protected_user_ids() or user.share:
            raise UserError(self.env._("%(user)s cannot be disabled here.", user=user.display_name))
        if user.active:
            user.active = False

    # ------------------------------------------------------------------
    # Schools and leisure centres
    # ------------------------------------------------------------------
    def _school_dn(self, conf):
        if not conf["schools_base"]:
            raise DirectoryError(
                self.env._("The directory has no branch for schools and leisure centres.")
            )
        return "ou=%s,%s" % (ldap.dn.escape_dn_chars(self.place_code), conf["schools_base"])

    def _school_attributes(self):
        return {
            "description": self.place_name,
            "businessCategory": self.place_type or "school",
            "street": self.place_street or "",
            "postalCode": self.place_zip or "",
            "l": self.place_city or "",
            "telephoneNumber": self.place_phone or "",
        }

    def _check_odoo_place_create(self):
        Schools = self.env["collectivite.school"].with_context(active_test=False)
        if Schools.search_count(
            [("company_id", "=", self.company_id.id), ("code", "=", self.place_code)]
        ):
            raise UserError(
                self.env._(
                    "The code %(code)s is already used in this company.", code=self.place_code
                )
            )

    def _ldap_place_create(self, connection, conf):
        dn = self._school_dn(conf)
        found = self.ldap_config_id._ldap_find_school(connection, conf, self.place_code)
        if found and not self.has_ldap_entry:
            raise UserError(
                self.env._(
                    "The code %(code)s already exists in the directory.", code=self.place_code
                )
            )
        if found:
            self._ldap_modify_person(connection, found[0], self._school_attributes())
            return
        values = dict(
            self._school_attributes(), objectClass=["top", "organizationalUnit"], ou=self.place_code
        )
        connection.add_s(dn, encode_modlist(values))
        self._write_internal({"has_ldap_entry": True})

    def _ldap_place_update(self, connection, conf):
        dn = self.school_id.ldap_dn or self._school_dn(conf)
        self._ldap_modify_person(connection, dn, self._school_attributes())

    def _ldap_place_disable(self, connection, conf):
        dn = self.school_id.ldap_dn or self._school_dn(conf)
        try:
            connection.delete_s(dn)
        except ldap.NO_SUCH_OBJECT:
            _logger.debug("%s already deleted (retry)", dn)

    def _school_values(self, dn):
        return {
            "ldap_dn": dn,
            "code": self.place_code or self.school_id.code,
            "name": self.place_name,
            "place_type": self.place_type or "school",
            "street": self.place_street or False,
            "zip": self.place_zip or False,
            "city": self.place_city or False,
            "phone": self.place_phone or False,
        }

    def _odoo_place_create(self):
        conf = self.ldap_config_id._provisioning_conf()
        result = self.ldap_config_id._provision_schools(
            [self._school_values(self._school_dn(conf))]
        )
        school = (result["created"] | result["updated"])[:1] or self.env[
            "collectivite.school"
        ].search([("company_id", "=", self.company_id.id), ("code", "=", self.place_code)])
        self._write_internal({"school_id": school.id})

    def _odoo_place_update(self):
        dn = self.school_id.ldap_dn
        self.ldap_config_id._provision_schools([self._school_values(dn)])

    def _odoo_place_disable(self):
        school = self.school_id.sudo()  # sudo: checked operation
        if school.active:
            school.active = False
