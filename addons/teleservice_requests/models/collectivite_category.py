from odoo import api, fields, models


class CollectiviteCategory(models.Model):
    """Management category (catégorie de gestion): groups téléservices and
    carries the agents' rights on their requests."""

    _name = "collectivite.category"
    _description = "Management category"
    # Integer order: statistics group millions of requests by category.
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    teleservice_ids = fields.One2many("collectivite.teleservice", "category_id")
    right_ids = fields.One2many("collectivite.category.right", "category_id", string="Rights")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A category with this name already exists in this collectivité.",
        ),
    ]

    def _clear_right_caches(self):
        self.env["collectivite.category.right"]._rights_changed()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._clear_right_caches()
        return records

    def write(self, vals):
        result = super().write(vals)
        if {"active", "company_id"} & set(vals):
            self._clear_right_caches()
        return result

    def unlink(self):
        result = super().unlink()
        self._clear_right_caches()
        return result
