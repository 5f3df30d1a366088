from odoo import models
from odoo.exceptions import AccessError

from .. import ldap_client
from ..entry_mapping import first_value


class CollectiviteLdapOperation(models.Model):
    """Who may make an operation: every right of the directory operations.

    Checked when an operation is saved (``_check_operator_rights``), when it
    runs (``_check_provisioning_rights``) and, for an agent, against the
    memberships the directory itself holds (``_ldap_check_target_rights``).
    """

    # One concern per file: the other _inherit files of this model hold the others.
    _inherit = "collectivite.ldap.operation"  # pylint: disable=consider-merging-classes-inherited

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

    def _ldap_check_target_rights(self, connection, conf, dn):
        """The agent's groups in the directory itself (not only in Odoo) must be
        held by the operator: a change made outside Odoo counts too."""
        if self.env.su or not conf["groups_base"]:
            return
        entries = self.ldap_config_id._ldap_paged_search(
            connection, conf, conf["groups_base"], ldap_client.member_of_filter(dn), ["cn"]
        )
        cns = {first_value(attrs, "cn") for _dn, attrs in entries}
        groups = self.ldap_config_id._groups_for_cns(cns)
        blockers = self._target_rights_blockers(groups | groups.trans_implied_ids)
        if blockers:
            raise AccessError("\n".join(blockers))
