from odoo import fields, models


class CollectiviteJustificatifType(models.Model):
    _name = "collectivite.justificatif.type"
    _description = "Justificatif type"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    validity_months = fields.Integer(
        help="Default validity of a validated justificatif of this type, in months "
        "(0: no end of validity)."
    )
    retention_months = fields.Integer(
        string="Retention (months)",
        default=24,
        help="A justificatif of this type is deleted with its pages this many months after "
        "its end of validity (or its filing when it has none), once no request being "
        "instructed uses it.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a justificatif type must be unique in its collectivité.",
        ),
        (
            "retention_positive",
            "CHECK(retention_months > 0)",
            "The retention of a justificatif type must be at least one month.",
        ),
    ]
