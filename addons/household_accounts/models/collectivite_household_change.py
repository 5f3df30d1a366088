from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move

from .collectivite_household import AGENT_GROUP


class CollectiviteHouseholdChange(models.Model):
    """A citizen's change of a valid household, waiting for an agent.

    The requested values are kept as data (household fields, then members:
    ``{"id": 0}`` declares a new member); nothing is written on the household
    before an agent accepts. A household has at most one pending change.
    """

    _name = "collectivite.household.change"
    _description = "Household change request"
    _inherit = ["collectivite.state.mixin"]
    _order = "id desc"
    _state_moves = {
        "state": {
            ("pending", "accepted"): Move(
                group=AGENT_GROUP,
                guard="_acceptance_blockers",
                values="_decision_values",
                effects="_on_accepted",
            ),
            ("pending", "refused"): Move(
                group=AGENT_GROUP,
                guard="_refusal_blockers",
                values="_decision_values",
                effects="_on_refused",
            ),
        },
    }

    household_id = fields.Many2one(
        "collectivite.household",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="household_id.company_id", store=True, index=True, string="Collectivité"
    )
    state = fields.Selection(
        [("pending", "Pending"), ("accepted", "Accepted"), ("refused", "Refused")],
        default="pending",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        "Requested by",
        default=lambda self: self.env.user,
        readonly=True,
        index=True,
    )
    household_values = fields.Json("Requested household values", readonly=True)
    member_values = fields.Json("Requested member values", readonly=True)
    summary = fields.Html("Requested changes", compute="_compute_summary", sanitize=False)
    decision_user_id = fields.Many2one("res.users", "Decided by", readonly=True)
    date_decision = fields.Datetime("Decided on", readonly=True)
    refusal_reason = fields.Text("Reason of the refusal", readonly=True)

    def init(self):
        # The database refuses a second pending change even under concurrency.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS collectivite_household_change_one_pending
            ON collectivite_household_change (household_id) WHERE state = 'pending'
            """
        )

    @api.depends("household_id.name")
    def _compute_display_name(self):
        for change in self:
            change.display_name = self.env._(
                "Change of %(household)s", household=change.household_id.name or ""
            )

    @api.depends("household_values", "member_values", "household_id")
    def _compute_summary(self):
        Partner = self.env["res.partner"]
        Household = self.env["collectivite.household"]
        members = Partner.browse(
            {
                values["id"]
                for change in self
                for values in change.member_values or []
                if values.get("id")
            }
        ).exists()
        members_by_id = {member.id: member for member in members}
        row = Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>")
        for change in self:
            household = change.household_id
            rows = []
            for fname, value in (change.household_values or {}).items():
                if fname not in Household._fields:
                    continue
                rows.append(
                    row
                    % (
                        Household._fields[fname]._description_string(self.env),
                        Partner._field_value_label(Household, fname, household[fname]) or "—",
                        Partner._field_value_label(Household, fname, value) or "—",
                    )
                )
            for values in change.member_values or []:
                member = members_by_id.get(values.get("id"), Partner)
                who = member.name or self.env._(
                    "New member %(member)s",
                    member=Partner._compose_member_name(
                        values.get("firstname"), values.get("lastname")
                    ),
                )
                for fname, value in values.items():
                    if fname == "id" or fname not in Partner._fields:
                        continue
                    rows.append(
                        row
                        % (
                            f"{who} – {Partner._fields[fname]._description_string(self.env)}",
                            Partner._member_value_label(fname, member[fname] if member else False)
                            or "—",
                            Partner._member_value_label(fname, value) or "—",
                        )
                    )
            header = Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                "</tr></thead><tbody>"
            ) % (self.env._("What"), self.env._("Current value"), self.env._("Requested value"))
            change.summary = header + Markup("").join(rows) + Markup("</tbody></table>")

    @api.model
    def _check_single_pending(self, households, limit=0):
        """Refuse when one of ``households`` has more than ``limit`` pending changes."""
        counts = self._read_group(
            [("household_id", "in", households.ids), ("state", "=", "pending")],
            ["household_id"],
            ["__count"],
            having=[("__count", ">", limit)],
        )
        for household, _count in counts:
            raise ValidationError(
                self.env._(
                    "A change of household %(name)s is already waiting for the town hall's "
                    "answer: wait for it before asking for another one.",
                    name=household.name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        households = self.env["collectivite.household"].browse(
            {vals["household_id"] for vals in vals_list if vals.get("household_id")}
        )
        if len(households) < len(vals_list):
            raise ValidationError(
                self.env._("A household can only have one change waiting at a time.")
            )
        # Checked before the insert: the unique index would only say "duplicate key".
        self._check_single_pending(households)
        changes = super().create(vals_list)
        for change in changes:
            change.household_id._message_log(
                body=change.household_id._history_env()._(
                    "Change requested by %(user)s, waiting for an agent.",
                    user=change.user_id.name,
                )
            )
        return changes

    def _decision_values(self):
        return {"decision_user_id": self.env.uid, "date_decision": fields.Datetime.now()}

    def _acceptance_blockers(self, values):
        if self.household_id.state == "archived":
            return [
                self.env._(
                    "household %(name)s is archived: restore it before accepting its change",
                    name=self.household_id.name,
                )
            ]
        return []

    def _on_accepted(self):
        for change in self:
            change.household_id._apply_change_values(
                change.household_values or {}, change.member_values or []
            )
        self.household_id._notify_citizen(
            "household_accounts.mail_template_household_change_accepted"
        )

    def _refusal_blockers(self, values):
        if not (values.get("refusal_reason") or "").strip():
            return [self.env._("the reason of the refusal, sent to the citizen, is missing")]
        return []

    def _on_refused(self):
        self.household_id._notify_citizen(
            "household_accounts.mail_template_household_change_refused"
        )

    def action_accept(self):
        return self._move("accepted")

    def action_refuse(self, reason):
        return self._move("refused", {"refusal_reason": (reason or "").strip()})

    def action_open_refuse_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse the change"),
            "res_model": "collectivite.household.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_household_id": self.household_id.id,
                "default_change_id": self.id,
            },
        }
