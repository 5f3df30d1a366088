from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# What a citizen may change on their household from the portal.
PORTAL_HOUSEHOLD_FIELDS = (
    "email",
    "phone",
    "mobile",
    "street_number",
    "street",
    "street2",
    "zip",
    "city",
    "contact_channel",
)


class CollectiviteHousehold(models.Model):
    """The citizen's changes of their household from the portal.

    A household not yet valid is changed at once; a change of a valid household
    becomes a pending ``collectivite.household.change`` that an agent accepts
    or refuses.
    """

    _inherit = "collectivite.household"  # pylint: disable=consider-merging-classes-inherited

    change_ids = fields.One2many("collectivite.household.change", "household_id", "Changes")
    has_pending_change = fields.Boolean(
        "Change in progress",
        compute="_compute_has_pending_change",
        store=True,
        index=True,
        help="The citizen asked for a change that an agent has not accepted or refused yet.",
    )
    pending_change_id = fields.Many2one(
        "collectivite.household.change",
        "Pending change",
        compute="_compute_pending_change_id",
    )
    pending_change_summary = fields.Html(
        "Requested changes", compute="_compute_pending_change_id", sanitize=False
    )

    @api.depends("change_ids.state")
    def _compute_has_pending_change(self):
        for household in self:
            household.has_pending_change = "pending" in household.change_ids.mapped("state")

    @api.depends("change_ids.state", "change_ids.summary")
    def _compute_pending_change_id(self):
        for household in self:
            pending = household.change_ids.filtered(lambda change: change.state == "pending")
            household.pending_change_id = pending[:1]
            household.pending_change_summary = pending[:1].summary

    def _compute_access_url(self):
        super()._compute_access_url()
        for household in self:
            household.access_url = f"/my/household/{household.id}"

    def action_accept_pending_change(self):
        return self.pending_change_id.action_accept()

    def action_refuse_pending_change(self):
        return self.pending_change_id.action_open_refuse_wizard()

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------

    def _check_portal_owner(self):
        """The current user must be this household's responsible, the account active."""
        self.ensure_one()
        partner = self.env.user.partner_id
        if partner.household_id != self or partner.household_role != "responsible":
            raise AccessError(
                self.env._("Only the responsible adult of the household can change it.")
            )
        if not self.sudo().is_active:  # sudo: own household (checked above), hidden if inactive
            raise UserError(
                self.env._(
                    "Your household account is inactive: contact your town hall to reactivate it."
                )
            )
        if self.state == "archived":
            raise UserError(
                self.env._(
                    "Your household account is archived: it can no longer be changed. "
                    "Contact your town hall."
                )
            )

    def _portal_submit_change(self, household_values=None, members=None):
        """Record a citizen's change of their household.

        ``household_values`` holds fields of :data:`PORTAL_HOUSEHOLD_FIELDS`;
        ``members`` is a list of member values, each with an ``id`` (0 for a
        new member). A household not yet valid is changed at once (an invalid
        one goes back to "in progress"); a valid one gets a pending change for
        an agent. Everything is validated first: a refusal saves nothing.

        :return: the pending change, or an empty recordset if applied at once
        """
        self._check_portal_owner()
        household_values, members = self._clean_change_values(household_values, members)
        if not household_values and not members:
            raise UserError(self.env._("You did not change anything."))
        Change = self.env["collectivite.household.change"]
        if self.state == "valid":
            if self.has_pending_change:
                raise UserError(
                    self.env._(
                        "A change of household %(name)s is already waiting for the town "
                        "hall's answer: wait for it before asking for another one.",
                        name=self.name,
                    )
                )
            # Citizens only have read access to changes.
            change = Change.sudo().create(  # sudo: owner checked by _check_portal_owner
                {
                    "household_id": self.id,
                    "household_values": household_values,
                    "member_values": members,
                }
            )
            return change.sudo(False)
        household = self.sudo()  # sudo: owner checked by _check_portal_owner
        household._apply_change_values(household_values, members)
        if household.state == "invalid":
            household._move("draft", {"refusal_reason": False})
        return Change

    def _clean_change_values(self, household_values, members):
        """Keep what the citizen may change and actually changed, then validate it.

        :raise ValidationError: with every message saying what to fix
        """
        self.ensure_one()
        Partner = self.env["res.partner"]
        household_values = {
            fname: (value.strip() if isinstance(value, str) else value) or False
            for fname, value in (household_values or {}).items()
            if fname in PORTAL_HOUSEHOLD_FIELDS
        }
        household_values = {
            fname: value
            for fname, value in household_values.items()
            if value != (self[fname] or False)
        }
        errors = self._household_value_errors(
            {fname: self[fname] for fname in PORTAL_HOUSEHOLD_FIELDS} | household_values
        )
        cleaned_members = []
        current_members = {member.id: member for member in self.member_ids}
        for values in members or []:
            member_id = int(values.get("id") or 0)
            member = current_members.get(member_id, Partner)
            if member_id and not member:
                raise AccessError(self.env._("This person is not a member of your household."))
            values = Partner._portal_member_values(values, member)
            if member and not values:
                continue
            if values.get("household_role") == "responsible":
                errors.append(self.env._("Your household already has a responsible adult."))
            errors += Partner._member_value_errors(member._member_snapshot() | values)
            cleaned_members.append(dict(values, id=member_id))
        if errors:
            raise ValidationError("\n".join(errors))
        return household_values, cleaned_members

    def _apply_change_values(self, household_values, members):
        """Write household values and create or update members (one household)."""
        self.ensure_one()
        if household_values:
            self.write(household_values)
        Partner = self.env["res.partner"]
        to_create = []
        for values in members or []:
            values = dict(values)
            member_id = values.pop("id", 0)
            if member_id:
                member = Partner.browse(member_id)
                if member.household_id != self:
                    raise UserError(
                        self.env._(
                            "%(person)s is no longer a member of household %(name)s.",
                            person=member.display_name,
                            name=self.name,
                        )
                    )
                member.write(values)
            else:
                to_create.append(dict(values, household_id=self.id, company_id=self.company_id.id))
        if to_create:
            Partner.create(to_create)
