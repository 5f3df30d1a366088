import contextlib
import re

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize
from odoo.tools.sql import create_index, escape_psql

from odoo.addons.collectivite_base.markers import server_marks
from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move
from odoo.addons.collectivite_base.tools import email_error

from .res_partner import MEMBER_BATCH

ZIP_RE = re.compile(r"^\d{5}$")

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
REQUIRED_HOUSEHOLD_FIELDS = ("street", "zip", "city")
AGENT_GROUP = "collectivite_base.collectivite_group_agent"
MANAGER_GROUP = "collectivite_base.collectivite_group_manager"
# Moves of the household's life cycle: agents validate and refuse, managers
# archive and restore.
VALIDATE = Move(group=AGENT_GROUP, values="_validation_values", effects="_on_validated")
INVALIDATE = Move(group=AGENT_GROUP, guard="_refusal_blockers", effects="_on_invalidated")
ARCHIVE = Move(group=MANAGER_GROUP)


class CollectiviteHousehold(models.Model):
    """A household account (compte foyer): the citizen's entry point.

    Life cycle: a household created by a citizen (or at the counter) is
    ``draft`` until an agent validates it (``valid``) or refuses it
    (``invalid``, with a reason sent to the citizen). Managers archive and
    restore. A citizen's change to a valid household becomes a pending
    :class:`collectivite.household.change` that an agent accepts or refuses.
    """

    _name = "collectivite.household"
    _description = "Household account"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "portal.mixin",
        "collectivite.state.mixin",
    ]
    _order = "id desc"
    _rec_names_search = ["name", "responsible_name"]
    # Citizens (read access to their own household only) write to the town hall from
    # the portal chatter.
    _mail_post_access = "read"
    _state_moves = {
        "state": {
            ("draft", "valid"): VALIDATE,
            ("draft", "invalid"): INVALIDATE,
            ("draft", "archived"): ARCHIVE,
            ("valid", "invalid"): INVALIDATE,
            ("valid", "archived"): ARCHIVE,
            ("invalid", "draft"): Move(group=AGENT_GROUP),
            ("invalid", "valid"): VALIDATE,
            ("invalid", "archived"): ARCHIVE,
            ("archived", "draft"): Move(group=MANAGER_GROUP),
        },
    }

    name = fields.Char(
        "Account number",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    company_id = fields.Many2one(
        "res.company",
        "Collectivité",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "In progress"),
            ("valid", "Valid"),
            ("invalid", "Invalid"),
            ("archived", "Archived"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    is_active = fields.Boolean(
        "Active account",
        default=True,
        index=True,
        tracking=True,
        help="An inactive account can no longer be used by the citizen in the portal.",
    )
    member_ids = fields.One2many("res.partner", "household_id", "Members")
    member_count = fields.Integer("Number of members", compute="_compute_member_count")
    responsible_id = fields.Many2one(
        "res.partner",
        compute="_compute_responsible_id",
        inverse="_inverse_responsible_id",
        store=True,
        index=True,
        tracking=True,
        help="The adult who holds the account; they are the household's portal user.",
    )
    responsible_has_user = fields.Boolean(
        "Responsible has an account", compute="_compute_responsible_has_user"
    )
    responsible_name = fields.Char(
        "Responsible name", related="responsible_id.name", store=True, index="trigram"
    )
    # Search fields: the members' names on the household itself, so that finding
    # households by a member's name is one indexed scan of this table.
    member_lastnames = fields.Char(
        "Member last names", compute="_compute_member_names", store=True, index="trigram"
    )
    member_firstnames = fields.Char(
        "Member first names", compute="_compute_member_names", store=True, index="trigram"
    )
    street_number = fields.Char("Number", tracking=True)
    street = fields.Char(tracking=True)
    street2 = fields.Char("Additional address line", tracking=True)
    zip = fields.Char("Zip code", tracking=True)
    city = fields.Char("Town", tracking=True)
    email = fields.Char(tracking=True)
    phone = fields.Char(tracking=True)
    mobile = fields.Char(tracking=True)
    contact_channel = fields.Selection(
        [
            ("email", "Email"),
            ("mail", "Postal mail"),
            ("sms", "SMS"),
            ("phone", "Phone"),
        ],
        "Preferred contact channel",
        default="email",
        required=True,
        tracking=True,
    )
    refusal_reason = fields.Text("Reason of the refusal", readonly=True, copy=False, tracking=True)
    date_validation = fields.Datetime("Validated on", readonly=True, copy=False)
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

    _sql_constraints = [
        ("name_unique", "unique(name)", "This account number is already used."),
    ]

    def init(self):
        # The list's sortings besides the account number (unique index): B-trees, as
        # the trigram index of the responsible's name cannot sort.
        create_index(
            self.env.cr,
            "collectivite_household_responsible_name_sort_index",
            self._table,
            ["responsible_name", "id"],
        )
        create_index(
            self.env.cr, "collectivite_household_create_date_index", self._table, ["create_date"]
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("member_ids")
    def _compute_member_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("household_id", "in", self.ids)], ["household_id"], ["__count"]
            )
        )
        for household in self:
            household.member_count = counts.get(household._origin, 0)

    @api.depends("member_ids.lastname", "member_ids.firstname")
    def _compute_member_names(self):
        for household in self:
            members = household.member_ids
            household.member_lastnames = " ".join(
                sorted(set(filter(None, members.mapped("lastname"))))
            )
            household.member_firstnames = " ".join(
                sorted(set(filter(None, members.mapped("firstname"))))
            )

    @api.depends("member_ids.household_role")
    def _compute_responsible_id(self):
        for household in self:
            household.responsible_id = household.member_ids.filtered(
                lambda member: member.household_role == "responsible"
            )[:1]

    @api.depends("responsible_id.user_ids")
    def _compute_responsible_has_user(self):
        for household in self:
            household.responsible_has_user = bool(
                household.responsible_id.with_context(active_test=False).user_ids
            )

    def _inverse_responsible_id(self):
        for household in self:
            partner = household.responsible_id
            previous = household.member_ids.filtered(
                lambda member, partner=partner: (
                    member.household_role == "responsible" and member != partner
                )
            )
            previous.write({"household_role": "other"})
            if partner and (
                partner.household_id != household or partner.household_role != "responsible"
            ):
                partner.write({"household_id": household.id, "household_role": "responsible"})

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

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    @api.model
    def _household_value_errors(self, values):
        """Messages saying what to fix in ``values`` (the household's fields)."""
        errors = []
        for fname in REQUIRED_HOUSEHOLD_FIELDS:
            if not (values.get(fname) or "").strip():
                errors.append(
                    self.env._(
                        "The field “%(field)s” is required.",
                        field=self._fields[fname]._description_string(self.env),
                    )
                )
        channels = dict(self._fields["contact_channel"]._description_selection(self.env))
        if "contact_channel" in values and values["contact_channel"] not in channels:
            errors.append(
                self.env._(
                    "Choose a preferred contact channel among: %(channels)s.",
                    channels=", ".join(channels.values()),
                )
            )
        zip_code = (values.get("zip") or "").strip()
        if zip_code and not ZIP_RE.match(zip_code):
            errors.append(
                self.env._(
                    "The zip code “%(zip)s” must be five digits (for example 95300).",
                    zip=zip_code,
                )
            )
        email_message = email_error(self.env, values.get("email"))
        if email_message:
            errors.append(email_message)
        return errors

    @api.constrains(*REQUIRED_HOUSEHOLD_FIELDS, "email")
    def _check_household_values(self):
        for household in self:
            errors = self._household_value_errors(
                {fname: household[fname] for fname in (*REQUIRED_HOUSEHOLD_FIELDS, "email")}
            )
            if errors:
                raise ValidationError("\n".join(errors))

    def _check_single_responsible(self):
        if not self:
            return
        counts = self.env["res.partner"]._read_group(
            [("household_id", "in", self.ids), ("household_role", "=", "responsible")],
            ["household_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        for household, _count in counts:
            raise ValidationError(
                self.env._(
                    "Household %(name)s has several responsible adults: keep only one.",
                    name=household.name,
                )
            )

    def _check_responsible(self):
        self._check_single_responsible()
        for household in self:
            if not household.responsible_id:
                raise ValidationError(
                    self.env._(
                        "Household %(name)s needs a responsible adult: give one member "
                        "the role “Responsible”.",
                        name=household.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = sequence.next_by_code("collectivite.household") or "/"
        # Members are linked one by one: the single responsible is checked at the end.
        with server_marks(MEMBER_BATCH):
            households = super().create(vals_list)
        households._check_responsible()
        for household in households:
            household.message_subscribe(partner_ids=household.responsible_id.ids)
        return households

    def write(self, vals):
        # Roles may swap within one write: the responsible is checked at the end.
        batch = "member_ids" in vals or "responsible_id" in vals
        with server_marks(MEMBER_BATCH) if batch else contextlib.nullcontext():
            result = super().write(vals)
        if vals.get("company_id"):
            # Members follow their household to its collectivité (multi-company rules).
            self.member_ids.write({"company_id": vals["company_id"]})
        if batch:
            self._check_responsible()
        return result

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------

    def _validation_values(self):
        return {"date_validation": fields.Datetime.now(), "refusal_reason": False}

    def _on_validated(self):
        self._notify_citizen("household_accounts.mail_template_household_valid")

    def _refusal_blockers(self, values):
        if not (values.get("refusal_reason") or "").strip():
            return [self.env._("the reason of the refusal, sent to the citizen, is missing")]
        return []

    def _on_invalidated(self):
        self._notify_citizen("household_accounts.mail_template_household_invalid")

    def action_validate(self):
        return self._move("valid")

    def action_invalidate(self, reason):
        return self._move("invalid", {"refusal_reason": (reason or "").strip()})

    def action_reset_draft(self):
        return self._move("draft")

    def action_archive_household(self):
        return self._move("archived")

    def action_restore_household(self):
        return self._move("draft")

    def action_accept_pending_change(self):
        return self.pending_change_id.action_accept()

    def action_refuse_pending_change(self):
        return self.pending_change_id.action_open_refuse_wizard()

    def action_invite_responsible(self):
        """Give the responsible of a household created at the counter a portal account.

        Odoo's portal invitation: a portal user for the responsible and an e-mail
        with the link to choose a password, sent to the e-mail address the
        household gave.
        """
        self.ensure_one()
        if not self.env.user.has_group(AGENT_GROUP):
            raise AccessError(self.env._("Only agents can invite a citizen to the portal."))
        self.check_access("write")
        partner = self.responsible_id
        # The record rules: an agent only changes the members of their collectivités.
        partner.check_access("write")
        errors = self._invitation_errors()
        if errors:
            raise UserError("\n".join(errors))
        # Agents have no right on users: the invitation is limited to this household's
        # responsible, at the household's own e-mail (checked above).
        Wizard = self.env["portal.wizard"].sudo()  # sudo: responsible checked by _invitation_errors
        wizard = Wizard.with_company(self.company_id).create(
            {"partner_ids": [Command.link(partner.id)]}
        )
        wizard.user_ids.action_grant_access()
        self.message_post(
            body=self.env._(
                "Portal invitation sent to %(person)s at %(email)s.",
                person=partner.name,
                email=partner.email,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _invitation_errors(self):
        """Why this household's responsible cannot be invited to the portal (French sentences).

        The invitation only goes to a member of the household who is no one else's
        contact, at the e-mail address the household gave.
        """
        self.ensure_one()
        partner = self.responsible_id
        if not partner:
            return [self.env._("Household %(name)s has no responsible adult.", name=self.name)]
        if partner.with_context(active_test=False).user_ids:
            return [self.env._("%(person)s already has an account.", person=partner.name)]
        if not self.email:
            return [
                self.env._(
                    "Give household %(name)s an email address first: the invitation is sent to it.",
                    name=self.name,
                )
            ]
        errors = []
        if email_normalize(partner.email or "") != email_normalize(self.email):
            errors.append(
                self.env._(
                    "The invitation is sent to the household's email address %(email)s: give "
                    "%(person)s this address first.",
                    email=self.email,
                    person=partner.name,
                )
            )
        if partner.is_company or partner.parent_id:
            errors.append(
                self.env._(
                    "%(person)s is an organisation or one of its contacts: only a person of "
                    "the household can be invited.",
                    person=partner.display_name,
                )
            )
        if partner.company_id != self.company_id:
            errors.append(
                self.env._(
                    "%(person)s does not belong to the collectivité of the household.",
                    person=partner.name,
                )
            )
        return errors

    def action_open_invalidate_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse the household"),
            "res_model": "collectivite.household.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_household_id": self.id},
        }

    def _log_signup_duplicates(self):
        """Tell the agents about members of the commune's other households with the same e-mail.

        A member's e-mail never blocks a sign-up (anyone may have typed it at the
        counter): the agents check that the new household is not a duplicate.
        """
        Partner = self.env["res.partner"]
        for household in self.filtered("email"):
            others = Partner.search(
                [
                    ("household_id", "!=", False),
                    ("household_id", "!=", household.id),
                    ("company_id", "=", household.company_id.id),
                    ("email", "=ilike", escape_psql(household.email.strip())),
                ]
            )
            if others:
                household._message_log(
                    body=self.env._(
                        "The email address %(email)s is also the one of %(members)s "
                        "(households %(households)s): check that this is not the same household.",
                        email=household.email,
                        members=", ".join(others.mapped("name")),
                        households=", ".join(others.household_id.mapped("name")),
                    )
                )

    def _notify_citizen(self, template_xmlid):
        for household in self.filtered("responsible_id"):
            household.message_post_with_source(
                template_xmlid,
                subtype_xmlid="mail.mt_comment",
                partner_ids=household.responsible_id.ids,
            )

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
