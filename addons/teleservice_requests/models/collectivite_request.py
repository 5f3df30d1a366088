from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools import household_address

# States in which a request is being instructed: quality of service applies.
OPEN_STATES = ("pending", "in_progress", "complete", "incomplete", "rectified")
DONE_STATES = ("closed", "archived")


class CollectiviteRequest(models.Model):
    """A citizen's request for a téléservice, instructed by agents.

    This file holds what a request is (its fields, its number, its form). Each
    concern has its own file, extending this model:

    - ``collectivite_request_life_cycle.py``: the state machines and their moves;
    - ``collectivite_request_lock.py``: the agent's lock on a request;
    - ``collectivite_request_justificatif.py``: the linked justificatifs;
    - ``collectivite_request_quality.py``: deadlines and the urgent / late flags;
    - ``collectivite_request_notification.py``: notes and mails to citizens and agents;
    - ``collectivite_request_retention.py``: RGPD (draft purge, anonymisation).
    """

    _name = "collectivite.request"
    _description = "Request"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "collectivite.state.mixin",
        "collectivite.system.log",
    ]
    _order = "date_submitted desc, id desc"
    # The citizen may answer the notes of a request they can read.
    _mail_post_access = "read"

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    teleservice_id = fields.Many2one(
        "collectivite.teleservice", required=True, index=True, tracking=True
    )
    category_id = fields.Many2one(related="teleservice_id.category_id", store=True, index=True)
    company_id = fields.Many2one(related="teleservice_id.company_id", store=True, index=True)
    season_id = fields.Many2one("collectivite.season", index=True, readonly=True)
    channel = fields.Selection(
        [("portal", "Online"), ("counter", "Counter"), ("phone", "Phone"), ("mail", "Mail")],
        required=True,
        default="counter",
    )
    requester_id = fields.Many2one("res.partner", index=True, tracking=True)
    requester_name = fields.Char(
        related="requester_id.name", string="Requester name", store=True, index="trigram"
    )
    subject_id = fields.Many2one(
        "res.partner", string="Concerned person", index=True, tracking=True
    )
    subject_name = fields.Char(
        related="subject_id.name", string="Concerned person name", store=True, index="trigram"
    )
    household_id = fields.Many2one("collectivite.household", index=True, tracking=True)
    comment = fields.Text()
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("pending", "Pending"),
            ("in_progress", "In progress"),
            ("complete", "Complete"),
            ("incomplete", "Incomplete"),
            ("rectified", "Rectified"),
            ("validated", "Validated"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
            ("notified", "Notified"),
            ("closed", "Closed"),
            ("archived", "Filed"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    data_state = fields.Selection(
        [("to_check", "To check"), ("valid", "Data valid"), ("invalid", "Data invalid")],
        string="Data",
        required=True,
        default="to_check",
        tracking=True,
        copy=False,
    )
    value_ids = fields.One2many("collectivite.request.value", "request_id", string="Form")
    date_submitted = fields.Datetime(index=True, readonly=True, copy=False, tracking=True)
    date_validated = fields.Datetime(readonly=True, copy=False)
    date_closed = fields.Datetime(index=True, readonly=True, copy=False)
    date_last_action = fields.Datetime(readonly=True, copy=False)
    last_agent_id = fields.Many2one("res.users", index=True, readonly=True, copy=False)
    is_manageable = fields.Boolean(compute="_compute_is_manageable", search="_search_is_manageable")

    def init(self):
        """Indexes of the dashboard and the statistics (single columns come
        from ``index=True``; the quality-of-service and notification crons add
        theirs in their own files)."""
        super().init()
        cr, table = self.env.cr, self._table
        # Finer statistics on the names searched with ``ilike``: the planner then
        # sees how rare a name is and takes the trigram index.
        for column in ("name", "requester_name", "subject_name"):
            cr.execute(
                SQL(
                    "ALTER TABLE %s ALTER COLUMN %s SET STATISTICS 1000",
                    SQL.identifier(table),
                    SQL.identifier(column),
                )
            )
        for name, columns in (
            ("state_submitted", ["state", "date_submitted", "id"]),
            ("state_category", ["state", "category_id", "company_id"]),
            ("agent_action", ["last_agent_id", "date_last_action", "category_id"]),
            ("state_action", ["state", "date_last_action", "id"]),
            (
                "statistics",
                ["category_id", "teleservice_id", "state", "date_submitted", "company_id"],
            ),
        ):
            create_index(cr, f"{table}_{name}_idx", table, columns)

    # ----------------------------------------------------------------- rights
    @api.depends_context("uid")
    def _compute_is_manageable(self):
        manageable = self.env.user.teleservice_manage_category_ids
        for request in self:
            request.is_manageable = request.category_id in manageable

    def _search_is_manageable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on “manageable”."))
        ids = self.env.user.teleservice_manage_category_ids.ids
        positive = (operator == "=") == value
        return [("category_id", "in" if positive else "not in", ids)]

    # ------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("collectivite.request") or "/"
        requests = super().create(vals_list)
        requests._prefill_values()
        return requests

    def _prefill_values(self):
        """One value line per form field; counter mode pre-fills from the household."""
        commands = []
        for request in self:
            existing = request.value_ids.field_id
            for field in request.teleservice_id.field_ids - existing:
                line = {"request_id": request.id, "field_id": field.id}
                household = request.household_id
                if field.field_type == "address" and household:
                    line["value_text"] = household_address(household)
                elif field.field_type == "member" and request.subject_id:
                    line["value_partner_id"] = request.subject_id.id
                commands.append(line)
        if commands:
            self.env["collectivite.request.value"].create(commands)

    @api.onchange("household_id")
    def _onchange_household_id(self):
        if self.household_id:
            self.requester_id = self.household_id.responsible_id
            if self.subject_id not in self.household_id.member_ids:
                self.subject_id = self.household_id.responsible_id

    @api.onchange("requester_id")
    def _onchange_requester_id(self):
        if self.requester_id and not self.household_id and self.requester_id.household_id:
            self.household_id = self.requester_id.household_id

    def action_print(self):
        return self.env.ref("teleservice_requests.collectivite_request_report").report_action(self)
