from datetime import timedelta

from odoo import api, fields, models

from .collectivite_request import OPEN_STATES


class CollectiviteRequestDashboard(models.Model):
    """A tile of the agents' dashboard ("Tâches"): a named list of requests,
    counted within the current user's rights."""

    _name = "collectivite.request.dashboard"
    _description = "Dashboard tile of requests"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    code = fields.Selection(
        [
            ("new", "New requests"),
            ("mine", "Last handled by me"),
            ("validated", "Last validated"),
            ("urgent", "Urgent"),
            ("late", "Late"),
        ],
        required=True,
    )
    color = fields.Integer()
    request_count = fields.Integer(compute="_compute_request_count")

    _sql_constraints = [("code_uniq", "unique(code)", "One tile per list.")]

    @api.model
    def _tile_domain_order(self, code):
        """The domain and order of a tile's list, for the current user."""
        now = fields.Datetime.now()
        return {
            "new": ([("state", "=", "pending")], "date_submitted asc, id asc"),
            "mine": (
                [
                    ("last_agent_id", "=", self.env.uid),
                    ("date_last_action", ">=", fields.Datetime.now() - timedelta(days=30)),
                ],
                "date_last_action desc, id desc",
            ),
            "validated": ([("state", "=", "validated")], "date_last_action desc, id desc"),
            # The flags, plus the deadline they imply, which lets the partial
            # index of the open requests' deadlines serve the tile.
            "urgent": (
                [
                    ("state", "in", OPEN_STATES),
                    ("is_urgent", "=", True),
                    ("is_late", "=", False),
                    ("date_qos_deadline", ">", now),
                ],
                "date_qos_deadline asc, id asc",
            ),
            "late": (
                [
                    ("state", "in", OPEN_STATES),
                    ("is_late", "=", True),
                    ("date_qos_deadline", "<=", now),
                ],
                "date_qos_deadline asc, id asc",
            ),
        }[code]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_request_count(self):
        requests = self.env["collectivite.request"]
        for tile in self:
            domain, _order = self._tile_domain_order(tile.code)
            tile.request_count = requests.search_count(domain)

    def action_open_requests(self):
        self.ensure_one()
        domain, order = self._tile_domain_order(self.code)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "teleservice_requests.collectivite_request_action"
        )
        # Oldest first for the lists to handle, most recent first for the others.
        list_view = (
            "teleservice_requests.collectivite_request_view_list_oldest"
            if order.endswith("asc, id asc")
            else "teleservice_requests.collectivite_request_view_list_recent"
        )
        action.update(
            {
                "name": self.name,
                "domain": domain,
                "context": {},
                "views": [
                    (self.env.ref(list_view).id, "list"),
                    (
                        self.env.ref("teleservice_requests.collectivite_request_view_form").id,
                        "form",
                    ),
                ],
            }
        )
        return action
