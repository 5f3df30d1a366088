from odoo import fields, models


class CollectiviteSchool(models.Model):
    """A school or a leisure centre of the collectivité, kept in the directory.

    Records follow the directory (operations and synchronisation) and are used by
    the online procedures (school enrolment, leisure centre booking...).
    """

    _name = "collectivite.school"
    _description = "School or leisure centre"
    _order = "place_type, name"

    name = fields.Char(required=True, index="trigram")
    code = fields.Char(required=True, index=True, help="ou of the entry in the directory.")
    place_type = fields.Selection(
        [("school", "School"), ("leisure_centre", "Leisure centre")],
        string="Type",
        required=True,
        default="school",
        index=True,
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    ldap_config_id = fields.Many2one(
        "res.company.ldap", string="Directory", index=True, ondelete="set null"
    )
    ldap_dn = fields.Char(string="LDAP DN", readonly=True)
    street = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    phone = fields.Char()

    _sql_constraints = [
        ("code_company_unique", "UNIQUE(company_id, code)", "The code is unique per company."),
    ]

    def action_ldap_update(self):
        """Open a new directory operation modifying this school or leisure centre."""
        self.ensure_one()
        return self.env["collectivite.ldap.operation"]._action_new(
            target="place",
            operation_type="update",
            school_id=self.id,
            ldap_config_id=self.ldap_config_id.id,
        )

    def action_ldap_disable(self):
        """Open a new directory operation closing this school or leisure centre."""
        self.ensure_one()
        return self.env["collectivite.ldap.operation"]._action_new(
            target="place",
            operation_type="disable",
            school_id=self.id,
            ldap_config_id=self.ldap_config_id.id,
        )
