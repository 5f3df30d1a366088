import contextlib

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.sql import create_index

from odoo.addons.collectivite_base.markers import server_marks
from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move
from odoo.addons.collectivite_base.tools import email_error

from ..form_values import is_zip_code
from .res_partner import MEMBER_BATCH

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
    # Validation
    # ------------------------------------------------------------------

    @api.model
    def _household_value_errors(self, values):
        """Messages saying what to fix in ``values`` (the household's fields)."""
        errors = self.env["res.partner"]._form_text_errors(self, values)
        if errors:
            return errors
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
        if zip_code and not is_zip_code(zip_code):
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

    def _notify_citizen(self, template_xmlid):
        for household in self.filtered("responsible_id"):
            household.message_post_with_source(
                template_xmlid,
                subtype_xmlid="mail.mt_comment",
                partner_ids=household.responsible_id.ids,
            )
