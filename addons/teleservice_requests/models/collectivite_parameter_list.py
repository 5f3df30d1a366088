from odoo import fields, models


class CollectiviteParameterList(models.Model):
    """A "paramètre": a list of key + label values used by choice form fields."""

    _name = "collectivite.parameter.list"
    _description = "Choice list (paramètre)"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    display_mode = fields.Selection(
        [("dropdown", "Drop-down list"), ("tree", "Check-box tree")],
        required=True,
        default="dropdown",
    )
    value_ids = fields.One2many("collectivite.parameter.value", "list_id", string="Values")
    value_count = fields.Integer(compute="_compute_value_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a choice list must be unique in its collectivité.",
        ),
    ]

    def _compute_value_count(self):
        counts = dict(
            self.env["collectivite.parameter.value"]._read_group(
                [("list_id", "in", self.ids)], ["list_id"], ["__count"]
            )
        )
        for parameter_list in self:
            parameter_list.value_count = counts.get(parameter_list, 0)
