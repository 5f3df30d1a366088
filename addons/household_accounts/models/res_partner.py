from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.collectivite_base.markers import is_marked

from ..form_values import compose_name
from .res_partner_member_values import PORTAL_MEMBER_FIELDS

# Server marker: the household's own create/write links several members, and checks
# that it keeps a single responsible once they are all written.
MEMBER_BATCH = "household_member_batch"
# Member fields whose changes are written in the household's chatter.
TRACKED_MEMBER_FIELDS = (*PORTAL_MEMBER_FIELDS, "mobile")


class ResPartner(models.Model):
    """Household members are partners: letters, tickets and requests reuse them.

    For members, ``name`` is kept equal to “first name last name”: it is
    recomputed whenever ``firstname`` or ``lastname`` is written (the other way
    round, a written ``name`` is never split).
    """

    _inherit = "res.partner"

    household_id = fields.Many2one(
        "collectivite.household",
        index=True,
        ondelete="set null",
        copy=False,
    )
    household_role = fields.Selection(
        [
            ("responsible", "Responsible"),
            ("spouse", "Spouse"),
            ("child", "Child"),
            ("other", "Other"),
        ],
        "Role in the household",
        copy=False,
    )
    household_state = fields.Selection(related="household_id.state", string="Household state")
    birthdate = fields.Date("Birth date")
    firstname = fields.Char("First name", index="trigram")
    lastname = fields.Char("Last name", index="trigram")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _compose_member_name(self, firstname, lastname):
        return compose_name(firstname, lastname)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("household_id", "company_id")
    def _check_member_company(self):
        for partner in self.filtered("household_id"):
            if partner.company_id != partner.household_id.company_id:
                raise ValidationError(
                    self.env._(
                        "%(person)s belongs to the collectivité of their household, "
                        "%(collectivite)s.",
                        person=partner.display_name,
                        collectivite=partner.household_id.company_id.name,
                    )
                )

    @api.constrains("household_id", "household_role", *PORTAL_MEMBER_FIELDS)
    def _check_member_values(self):
        for partner in self.filtered("household_id"):
            errors = self._member_value_errors(partner._member_snapshot())
            if errors:
                raise ValidationError("\n".join(errors))
        if not is_marked(MEMBER_BATCH):
            self.household_id._check_single_responsible()

    # ------------------------------------------------------------------
    # CRUD: names, companies and the household's history
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        household_ids = {vals["household_id"] for vals in vals_list if vals.get("household_id")}
        households = self.env["collectivite.household"].browse(household_ids)
        companies = {household.id: household.company_id.id for household in households}
        for vals in vals_list:
            if vals.get("firstname") or vals.get("lastname"):
                vals["name"] = self._compose_member_name(
                    vals.get("firstname"), vals.get("lastname")
                )
            if vals.get("household_id"):
                # A member belongs to their household's collectivité.
                vals["company_id"] = companies[vals["household_id"]]
        partners = super().create(vals_list)
        partners.filtered("household_id")._check_household_candidates()
        for household, members in partners.filtered("household_id").grouped("household_id").items():
            history_env = household._history_env()
            household._message_log(
                body=Markup("<br/>").join(
                    history_env._("Member %(member)s added to the household.", member=member.name)
                    for member in members
                )
            )
        return partners

    def write(self, vals):
        target = vals.get("household_id")
        if target:
            self._check_household_move(target)
            self.filtered(lambda partner: not partner.household_id)._check_household_candidates()
            vals = dict(
                vals,
                company_id=self.env["collectivite.household"].browse(target).company_id.id,
            )
        tracked = [fname for fname in TRACKED_MEMBER_FIELDS if fname in vals]
        watched = self if "household_id" in vals else self.filtered("household_id")
        before = {
            partner: {fname: partner[fname] for fname in (*tracked, "household_id")}
            for partner in watched
        }
        result = super().write(vals)
        if "name" not in vals and ("firstname" in vals or "lastname" in vals):
            self._sync_member_names()
        if ("household_id" in vals or "household_role" in vals) and not is_marked(MEMBER_BATCH):
            # A household keeps exactly one responsible, the one it had included.
            households = self.household_id.union(
                *(values["household_id"] for values in before.values())
            )
            households.exists()._check_responsible()
        if tracked or "household_id" in vals:
            self._log_member_changes(before, tracked)
        return result

    def _check_household_move(self, household_id):
        moving = self.filtered(
            lambda partner: partner.household_id and partner.household_id.id != household_id
        )
        if moving:
            raise UserError(
                self.env._(
                    "%(person)s already belongs to household %(household)s: remove them from "
                    "it first.",
                    person=moving[0].display_name,
                    household=moving[0].household_id.name,
                )
            )

    def _check_household_candidates(self):
        """Refuse people who are already someone else's contact as new household members.

        A household's responsible gets a portal account: an organisation, one of its
        contacts or a person who already has a user account would bring what they can
        see as a requester into the household (and the other way round). The server's
        own flows (sign-up, accepted changes) run as superuser and create their members.
        """
        if self.env.su:
            return
        for partner in self:
            if partner.is_company:
                message = self.env._(
                    "%(person)s is an organisation: it cannot be a member of a household.",
                    person=partner.display_name,
                )
            elif partner.parent_id:
                message = self.env._(
                    "%(person)s is a contact of %(organisation)s: add the household's member "
                    "as a new person instead.",
                    person=partner.name,
                    organisation=partner.parent_id.display_name,
                )
            elif partner.with_context(active_test=False).user_ids:
                message = self.env._(
                    "%(person)s already has a user account: add the household's member as a "
                    "new person instead.",
                    person=partner.display_name,
                )
            else:
                continue
            raise UserError(message)

    def _sync_member_names(self):
        by_name = self.grouped(
            lambda partner: self._compose_member_name(partner.firstname, partner.lastname)
        )
        for name, partners in by_name.items():
            partners = partners.filtered(lambda partner, name=name: partner.name != name)
            if name and partners:
                partners.write({"name": name})

    def _log_member_changes(self, before, tracked):
        """Write who changed what (old and new values) in the households' chatter."""
        lines = defaultdict(list)
        for partner in self:
            if partner not in before:
                continue
            old = before[partner]
            old_household = old["household_id"]
            if old_household != partner.household_id:
                if old_household:
                    lines[old_household].append(
                        old_household._history_env()._(
                            "Member %(member)s removed from the household.",
                            member=partner.name,
                        )
                    )
                if partner.household_id:
                    lines[partner.household_id].append(
                        partner.household_id._history_env()._(
                            "Member %(member)s added to the household.", member=partner.name
                        )
                    )
                continue
            if not partner.household_id:
                continue
            history_env = partner.household_id._history_env()
            in_lang = partner.with_env(history_env)
            for fname in tracked:
                if old.get(fname) != partner[fname]:
                    lines[partner.household_id].append(
                        history_env._(
                            "Member %(member)s, %(field)s: %(old)s → %(new)s",
                            member=partner.name,
                            field=self._fields[fname]._description_string(history_env),
                            old=in_lang._member_value_label(fname, old.get(fname)) or "—",
                            new=in_lang._member_value_label(fname, partner[fname]) or "—",
                        )
                    )
        for household, messages in lines.items():
            household._message_log(body=Markup("<br/>").join(messages))
