from odoo import fields, models

from .collectivite_category_right import RIGHT_LEVELS


class ResUsers(models.Model):
    _inherit = "res.users"

    teleservice_right_ids = fields.One2many(
        "collectivite.category.right", "user_id", string="Rights on categories"
    )
    teleservice_read_category_ids = fields.Many2many(
        "collectivite.category",
        compute="_compute_teleservice_category_ids",
        compute_sudo=True,
        string="Categories in consultation",
    )
    teleservice_write_category_ids = fields.Many2many(
        "collectivite.category",
        compute="_compute_teleservice_category_ids",
        compute_sudo=True,
        string="Categories in modification",
    )
    teleservice_manage_category_ids = fields.Many2many(
        "collectivite.category",
        compute="_compute_teleservice_category_ids",
        compute_sudo=True,
        string="Categories in management",
    )

    def _teleservice_default_right(self, agent_default=None):
        """The right a profile gives on a category without an explicit line: a
        manager manages, an agent has the right of the settings ("none" unless
        changed: medical and PAI procedures are not open to every agent)."""
        self.ensure_one()
        if self.has_group("collectivite_base.collectivite_group_manager"):
            return "manage"
        if self.has_group("collectivite_base.collectivite_group_agent"):
            if agent_default is None:
                agent_default = self.env["collectivite.category.right"]._agent_default_right()
            return agent_default
        return "none"

    def _compute_teleservice_category_ids(self):
        categories = self.env["collectivite.category"].search([])
        rights = self.env["collectivite.category.right"].search_fetch(
            [("user_id", "in", self.ids)], ["user_id", "category_id", "right"]
        )
        explicit = {(r.user_id.id, r.category_id.id): r.right for r in rights}
        agent_default = self.env["collectivite.category.right"]._agent_default_right()
        for user in self:
            default = user._teleservice_default_right(agent_default) if user.id else "none"
            levels = {
                category: RIGHT_LEVELS[explicit.get((user.id, category.id), default)]
                for category in categories
                if category.company_id in user.company_ids
            }
            user.teleservice_read_category_ids = [c.id for c, lvl in levels.items() if lvl >= 1]
            user.teleservice_write_category_ids = [c.id for c, lvl in levels.items() if lvl >= 2]
            user.teleservice_manage_category_ids = [c.id for c, lvl in levels.items() if lvl >= 3]
