from odoo import fields, models


class ResUsers(models.Model):
    """Users provisioned from a directory carry its uid and DN.

    Only users linked this way are ever written or archived by the
    synchronisation: never portal users, admin, or users created by hand.
    """

    _inherit = "res.users"

    ldap_config_id = fields.Many2one(
        "res.company.ldap",
        string="Directory",
        index=True,
        copy=False,
        ondelete="set null",
        readonly=True,
    )
    ldap_uid = fields.Char(string="LDAP uid", index=True, copy=False, readonly=True)
    ldap_dn = fields.Char(string="LDAP DN", copy=False, readonly=True)
    ldap_given_name = fields.Char(string="First name (directory)", index="trigram", copy=False)
    ldap_surname = fields.Char(string="Last name (directory)", index="trigram", copy=False)
    ldap_service = fields.Char(string="Service", copy=False)

    def action_ldap_update(self):
        """Open a new directory operation modifying this agent."""
        self.ensure_one()
        return self.env["collectivite.ldap.operation"]._action_new(
            target="agent",
            operation_type="update",
            user_id=self.id,
            ldap_config_id=self.ldap_config_id.id,
        )

    def action_ldap_disable(self):
        """Open a new directory operation disabling this agent."""
        self.ensure_one()
        return self.env["collectivite.ldap.operation"]._action_new(
            target="agent",
            operation_type="disable",
            user_id=self.id,
            ldap_config_id=self.ldap_config_id.id,
        )

    def action_ldap_operations(self):
        """The directory operations of this agent (history)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ldap_provisioning.collectivite_ldap_operation_action"
        )
        action["domain"] = [("user_id", "=", self.id)]
        action["context"] = {}
        return action
