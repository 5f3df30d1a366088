from datetime import timedelta

from odoo import api, fields, models
from odoo.tools.misc import format_date

from .collectivite_request import OPEN_STATES

# How many requests a tile lists (its "voir tout" opens the whole list).
TILE_LINES = 5
# What a line of a tile reads: one fetch per tile, none per line.
LINE_FIELDS = [
    "name",
    "state",
    "teleservice_id",
    "requester_name",
    "subject_name",
    "date_submitted",
    "date_qos_deadline",
    "date_qos_alert",
    "is_late",
]


class CollectiviteRequestDashboard(models.Model):
    """A tile of the agents' dashboard ("Tâches"): a named list of requests,
    counted within the current user's rights, showing its first lines coloured
    by urgency (as CapDémat's task management does)."""

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
    request_lines = fields.Json(
        compute="_compute_request_count",
        string="Lines",
        help="The first requests of the list, as the dashboard shows them.",
    )

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
        """Count and first lines of each tile: two queries per tile (plus one
        for the téléservices' names of all lines), whatever the lines."""
        requests = self.env["collectivite.request"]
        shown = {}
        for tile in self:
            domain, order = self._tile_domain_order(tile.code)
            tile.request_count = requests.search_count(domain)
            shown[tile] = requests.search_fetch(domain, LINE_FIELDS, order=order, limit=TILE_LINES)
        every = requests.union(*shown.values())
        every.teleservice_id.fetch(["name"])
        now = fields.Datetime.now()
        states = dict(requests._fields["state"]._description_selection(self.env))
        for tile in self:
            tile.request_lines = [request._dashboard_line(now, states) for request in shown[tile]]

    @api.readonly
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


class CollectiviteRequest(models.Model):
    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    def _dashboard_urgency(self, now):
        """ "danger" past the quality-of-service deadline, "warning" in its alert
        period, "" otherwise: from the dates, whether the cron ran yet or not."""
        self.ensure_one()
        if self.state in OPEN_STATES:
            if self.date_qos_deadline and self.date_qos_deadline <= now:
                return "danger"
            if self.date_qos_alert and self.date_qos_alert <= now:
                return "warning"
            return ""
        return "danger" if self.is_late else ""

    def _dashboard_line(self, now, states):
        """One line of a dashboard tile, formatted for the current user."""
        self.ensure_one()
        deadline = self.date_qos_deadline
        return {
            "id": self.id,
            "name": self.name,
            "teleservice": self.teleservice_id.name or "",
            "person": self.subject_name or self.requester_name or "",
            "deadline": format_date(self.env, fields.Datetime.context_timestamp(self, deadline))
            if deadline
            else "",
            "state": states.get(self.state, self.state),
            "level": self._dashboard_urgency(now),
        }
