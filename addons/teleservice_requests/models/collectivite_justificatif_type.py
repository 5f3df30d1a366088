from odoo import fields, models


class CollectiviteJustificatifType(models.Model):
    _name = "collectivite.justificatif.type"
    _description = "Justificatif type"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)
    validity_months = fields.Integer(
        help="Default validity of a validated justificatif of this type, in months "
        "(0: no end of validity)."
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The code of a justificatif type must be unique."),
    ]
