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
