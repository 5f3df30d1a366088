from odoo import api, models

AGENT_GROUP = "collectivite_base.collectivite_group_agent"
HOME_ACTION = "teleservice_requests.collectivite_request_dashboard_action"


class ResUsers(models.Model):
    """Agents land on their "Tâches" dashboard: every agent without a home
    action gets it, when created, when made an agent, and at installation."""

    # One file per concern of the user, on purpose: nothing to merge.
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._collectivite_set_home_action()
        return users

    def write(self, vals):
        result = super().write(vals)
        if any(key == "groups_id" or key.startswith(("in_group_", "sel_groups_")) for key in vals):
            self._collectivite_set_home_action()
        return result

    def _collectivite_set_home_action(self):
        """Give the agents among ``self`` that have no home action the dashboard."""
        agent_group = self.env.ref(AGENT_GROUP, raise_if_not_found=False)
        action = self.env.ref(HOME_ACTION, raise_if_not_found=False)
        if not agent_group or not action:
            return
        agents = self.filtered(lambda user: not user.action_id and agent_group in user.groups_id)
        if agents:
            # sudo: the home action is set by the server for users just made agents.
            agents.sudo().write({"action_id": action.id})  # sudo: server-set home action

    @api.model
    def _collectivite_set_home_action_all(self):
        """At installation: every existing agent without a home action."""
        agent_group = self.env.ref(AGENT_GROUP)
        agent_group.with_context(active_test=False).users._collectivite_set_home_action()
