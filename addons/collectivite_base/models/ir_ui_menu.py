from odoo import api, models, tools


class IrUiMenu(models.Model):
    """The Apps menu is for the administrators (Settings) only.

    ``base`` gives it to ``base.group_system``, but ``base_install_request``
    (auto-installed) opens it to every internal user so that they may ask for
    an app: agents of a collectivité do not install software. Hidden from
    everyone else's menus, whatever the order the modules were updated in (the
    result depends on the user's groups only, as the cache of the visible menus)."""

    _inherit = "ir.ui.menu"

    @api.model
    @tools.ormcache("frozenset(self.env.user.groups_id.ids)", "debug")
    def _visible_menu_ids(self, debug=False):
        visible = super()._visible_menu_ids(debug)
        if self.env.user.has_group("base.group_system"):
            return visible
        apps = self.env.ref("base.menu_management", raise_if_not_found=False)
        if not apps or apps.id not in visible:
            return visible
        # The Apps menu and everything under it.
        hidden = set(
            self.with_context(**{"ir.ui.menu.full_list": True})
            .sudo()  # sudo: ids of menus hidden from a non-administrator
            .search([("id", "child_of", apps.id)])
            .ids
        )
        return visible - hidden
