from odoo import api, fields, models
from odoo.exceptions import ValidationError

FIELD_TYPES = [
    ("char", "Text"),
    ("text", "Long text"),
    ("number", "Numeric"),
    ("date", "Date"),
    ("boolean", "Yes / no"),
    ("choice", "Choice list"),
    ("multi_choice", "Multiple choice"),
    ("member", "Household member"),
    ("address", "Address"),
    ("file", "File"),
]


class CollectiviteFormField(models.Model):
    """One field of a téléservice's form: configuration, not code."""

    _name = "collectivite.form.field"
    _description = "Form field of a téléservice"
    _order = "teleservice_id, sequence, id"

    teleservice_id = fields.Many2one(
        "collectivite.teleservice", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    section = fields.Char(translate=True, help="Title of the section the field is shown in.")
    name = fields.Char(string="Label", required=True, translate=True)
    key = fields.Char(required=True, help="Technical key of the value, unique in the form.")
    field_type = fields.Selection(FIELD_TYPES, string="Type", required=True, default="char")
    required = fields.Boolean()
    help_text = fields.Char(translate=True)
    parameter_list_id = fields.Many2one(
        "collectivite.parameter.list",
        string="Choice list",
        ondelete="restrict",
    )

    _sql_constraints = [
        (
            "key_teleservice_uniq",
            "unique(teleservice_id, key)",
            "A key must be unique within the form of a téléservice.",
        ),
    ]

    @api.constrains("field_type", "parameter_list_id", "teleservice_id")
    def _check_parameter_list(self):
        for field in self:
            if (
                field.parameter_list_id
                and field.parameter_list_id.company_id != field.teleservice_id.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "The choice list “%(list)s” of field “%(label)s” belongs to another "
                        "collectivité.",
                        list=field.parameter_list_id.name,
                        label=field.name,
                    )
                )
            if field.field_type in ("choice", "multi_choice") and not field.parameter_list_id:
                raise ValidationError(
                    self.env._(
                        "The field “%(label)s” is a choice: select its choice list.",
                        label=field.name,
                    )
                )
