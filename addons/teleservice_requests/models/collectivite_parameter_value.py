from odoo import api, fields, models


class CollectiviteParameterValue(models.Model):
    _name = "collectivite.parameter.value"
    _description = "Value of a choice list"
    _order = "list_id, sequence, name"
    _parent_store = True

    list_id = fields.Many2one(
        "collectivite.parameter.list", required=True, index=True, ondelete="cascade"
    )
    key = fields.Char(required=True)
    name = fields.Char(string="Label", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    parent_id = fields.Many2one(
        "collectivite.parameter.value",
        index=True,
        ondelete="cascade",
        domain="[('list_id', '=', list_id)]",
        help="Parent value, for lists shown as a check-box tree.",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("collectivite.parameter.value", "parent_id")

    _sql_constraints = [
        ("key_list_uniq", "unique(list_id, key)", "A key must be unique within its list."),
    ]

    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        for value in self:
            if value.parent_id:
                value.display_name = f"{value.parent_id.name} / {value.name}"
            else:
                value.display_name = value.name
