from odoo import api, fields, models


class CollectiviteLdapGroupMapping(models.Model):
    """Which Odoo groups the members of an LDAP group get."""

    _name = "collectivite.ldap.group.mapping"
    _description = "LDAP group mapping"
    _order = "ldap_config_id, sequence, id"

    name = fields.Char(string="Label", required=True, translate=True)
    sequence = fields.Integer(default=10)
    ldap_config_id = fields.Many2one(
        "res.company.ldap", string="Directory", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="ldap_config_id.company", string="Company", store=True, index=True
    )
    ldap_group_cn = fields.Char(
        string="LDAP group (cn)", required=True, help="cn of a groupOfNames of the groups branch."
    )
    ldap_group_dn = fields.Char(string="LDAP group DN", compute="_compute_ldap_group_dn")
    group_ids = fields.Many2many(
        "res.groups",
        "collectivite_ldap_group_mapping_group_rel",
        "mapping_id",
        "group_id",
        string="Odoo groups",
        help="Groups given to the members; an LDAP group without Odoo groups is not mapped.",
    )
    is_mapped = fields.Boolean(compute="_compute_is_mapped", string="Mapped")

    _sql_constraints = [
        (
            "ldap_group_cn_unique",
            "UNIQUE(ldap_config_id, ldap_group_cn)",
            "An LDAP group is mapped once per directory.",
        ),
    ]

    @api.depends("ldap_group_cn", "ldap_config_id.ldap_groups_base")
    def _compute_ldap_group_dn(self):
        for mapping in self:
            base = mapping.ldap_config_id.ldap_groups_base
            mapping.ldap_group_dn = (
                "cn=%s,%s" % (mapping.ldap_group_cn, base) if base and mapping.ldap_group_cn else ""
            )

    @api.depends("group_ids")
    def _compute_is_mapped(self):
        for mapping in self:
            mapping.is_mapped = bool(mapping.group_ids)
