from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectiviteParameterValue(models.Model):
    _name = "collectivite.parameter.value"
    _description = "Value of a choice list"
    # Children right after their parent: check-box trees read this order.
    _order = "list_id, sort_path, id"
    _parent_store = True

    list_id = fields.Many2one(
        "collectivite.parameter.list", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="list_id.company_id", store=True, index=True)
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
    sort_path = fields.Char(compute="_compute_sort_path", store=True, recursive=True)
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

    @api.depends("sequence", "parent_id.sort_path")
    def _compute_sort_path(self):
        """Sequences from the root down (``00001.00000042/00003.00000043``)."""
        for value in self:
            own = f"{value.sequence:05d}.{value.id or 0:08d}"
            parent_path = value.parent_id.sort_path
            value.sort_path = f"{parent_path}/{own}" if parent_path else own

    @api.constrains("parent_id", "list_id")
    def _check_parent_id(self):
        # Cycles are refused by the parent store ("Recursion detected").
        for value in self:
            if value.parent_id and value.parent_id.list_id != value.list_id:
                raise ValidationError(
                    self.env._(
                        "The parent of “%(value)s” must belong to the same list.",
                        value=value.name,
                    )
                )
