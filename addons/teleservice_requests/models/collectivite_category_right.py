from odoo import api, fields, models

RIGHT_LEVELS = {"none": 0, "read": 1, "write": 2, "manage": 3}
# Right of an agent on a category without an explicit line (settings).
DEFAULT_RIGHT_PARAM = "teleservice_requests.default_agent_right"
AGENT_DEFAULT_RIGHTS = ("none", "read", "write")


class CollectiviteCategoryRight(models.Model):
    """The right of one user on one category; overrides the profile's default."""

    _name = "collectivite.category.right"
    _description = "Right on a management category"
    _order = "category_id, user_id"

    category_id = fields.Many2one(
        "collectivite.category", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="category_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("share", "=", False)],
    )
    right = fields.Selection(
        [
            ("none", "No access"),
            ("read", "Consultation"),
            ("write", "Modification"),
            ("manage", "Management"),
        ],
        required=True,
        default="read",
    )

    _sql_constraints = [
        (
            "user_category_uniq",
            "unique(user_id, category_id)",
            "A user has one right per category.",
        ),
    ]

    @api.model
    def _agent_default_right(self):
        """The settings' right of an agent without an explicit line; anything
        but a known right reads as "none"."""
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        right = params.get_param(DEFAULT_RIGHT_PARAM, "none")
        return right if right in AGENT_DEFAULT_RIGHTS else "none"

    @api.model
    def _rights_changed(self):
        """Record rules read the users' effective categories: drop cached
        domains and computed category sets."""
        self.env.registry.clear_cache()
        self.env["res.users"].invalidate_model(
            [
                "teleservice_read_category_ids",
                "teleservice_write_category_ids",
                "teleservice_manage_category_ids",
            ]
        )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._rights_changed()
        return records

    def write(self, vals):
        result = super().write(vals)
        self._rights_changed()
        return result

    def unlink(self):
        result = super().unlink()
        self._rights_changed()
        return result
