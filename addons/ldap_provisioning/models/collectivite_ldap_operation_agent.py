import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import escape_psql

from .. import entry_mapping, ldap_client

UID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class CollectiviteLdapOperation(models.Model):
    """Operations on an agent: creation, modification, disabling.

    Directory side (``_ldap_agent_*``): the person entry, its password (RFC 3062
    Password Modify) and its memberships of the mapped LDAP groups. Odoo side
    (``_odoo_agent_*``): the user, through the provisioning of the directory
    (``res.company.ldap._provision_agents``), as a synchronisation would.
    """

    # One concern per file: the other _inherit files of this model hold the others.
    _inherit = "collectivite.ldap.operation"  # pylint: disable=consider-merging-classes-inherited

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
        if not entry_mapping.is_valid_email(self.email):
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

    # ------------------------------------------------------------------
    # Directory side
    # ------------------------------------------------------------------
    def _check_odoo_agent_create(self):
        Users = self.env["res.users"].sudo().with_context(active_test=False)  # sudo: unicity
        if Users.search_count([("login", "=ilike", escape_psql(self.ldap_uid))]):
            raise UserError(
                self.env._("The login %(uid)s is already used by an Odoo user.", uid=self.ldap_uid)
            )

    def _person_dn(self, conf):
        return entry_mapping.person_dn(self.ldap_uid, conf["people_base"])

    def _person_attributes(self):
        return entry_mapping.person_attributes(
            self.given_name, self.surname, self.email, self.phone, self.service
        )

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
            ldap_client.add_entry(
                connection, dn, entry_mapping.person_entry(self.ldap_uid, attributes)
            )
            # Kept even when a later step fails: a retry finishes this entry.
            self._write_internal({"has_ldap_entry": True})
        self._ldap_set_password(connection, dn)
        self._ldap_set_memberships(connection, conf, dn, self.group_mapping_ids)

    def _ldap_set_password(self, connection, dn):
        """Give the pending password to the directory (RFC 3062 Password Modify).

        The directory hashes it with its own scheme; Odoo never writes
        ``userPassword``. Emptied at once: a later failure cannot replay it.
        """
        password = self.sudo().pending_password  # sudo: system-only field, this operation's
        if not password:
            return
        ldap_client.set_password(connection, dn, password)
        self.sudo().pending_password = False  # sudo: system-only field, used

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
            ldap_client.delete_entry(connection, dn)

    def _ldap_set_memberships(self, connection, conf, dn, mappings):
        """Make ``dn`` a member of the groups of ``mappings`` and of no other
        mapped group of the directory (idempotent)."""
        if not conf["groups_base"]:
            return
        for mapping in self.ldap_config_id.group_mapping_ids:
            group_dn = entry_mapping.group_dn(mapping.ldap_group_cn, conf["groups_base"])
            if mapping in mappings:
                self._ldap_add_member(connection, group_dn, mapping.ldap_group_cn, dn)
            else:
                self._ldap_remove_member(connection, group_dn, dn)

    def _ldap_add_member(self, connection, group_dn, cn, dn):
        ldap_client.add_member(connection, group_dn, cn, dn)

    def _ldap_remove_member(self, connection, group_dn, dn):
        ldap_client.remove_member(connection, group_dn, dn)

    # ------------------------------------------------------------------
    # Odoo side
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
