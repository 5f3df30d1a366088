from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from odoo.addons.collectivite_base.tools import email_error

from ..form_values import EARLIEST_BIRTHDATE, MAX_TEXT_LENGTH, parse_date, parse_id, text_problem

# What a citizen may declare about a member from the portal.
PORTAL_MEMBER_FIELDS = (
    "title",
    "firstname",
    "lastname",
    "birthdate",
    "household_role",
    "email",
    "phone",
)
REQUIRED_MEMBER_FIELDS = ("firstname", "lastname", "household_role")
# The civilities French administrations use (no longer “Mademoiselle”).
HOUSEHOLD_TITLES = ("base.res_partner_title_madam", "base.res_partner_title_mister")


class ResPartner(models.Model):
    """What a household member's values may be: the citizen's input cleaned, the
    messages saying what to fix, and readable labels for the history."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    household_title_ids = fields.Many2many(
        "res.partner.title",
        string="Household civilities",
        compute="_compute_household_title_ids",
        help="The civilities a household member may have (the forms offer only these).",
    )

    def _compute_household_title_ids(self):
        self.household_title_ids = self._household_titles()

    @api.model
    def _household_titles(self):
        """The civilities of household members: Madame and Monsieur."""
        titles = self.env["res.partner.title"]
        for xmlid in HOUSEHOLD_TITLES:
            titles |= self.env.ref(xmlid, raise_if_not_found=False) or titles
        return titles

    @api.model
    def _form_text_errors(self, model, values):
        """Messages for the texts of ``values`` (fields of ``model``) a form cannot send:
        not a text (a file), a control character (a NUL byte), too long."""
        errors = []
        for fname, value in values.items():
            problem = text_problem(value)
            if not problem:
                continue
            field = model._fields.get(fname)
            label = field._description_string(self.env) if field else fname
            if problem == "type":
                message = self.env._("The field “%(field)s” must be a text.", field=label)
            elif problem == "control":
                message = self.env._(
                    "The field “%(field)s” contains a character that cannot be typed "
                    "(a control character): remove it.",
                    field=label,
                )
            else:
                message = self.env._(
                    "The field “%(field)s” is too long: %(max)s characters at most.",
                    field=label,
                    max=MAX_TEXT_LENGTH,
                )
            errors.append(message)
        return errors

    def _member_snapshot(self):
        """Current values of the portal member fields (empty for no record)."""
        if not self:
            return {}
        self.ensure_one()
        return {
            "title": self.title.id,
            "firstname": self.firstname,
            "lastname": self.lastname,
            "birthdate": self.birthdate,
            "household_role": self.household_role,
            "email": self.email,
            "phone": self.phone,
        }

    @api.model
    def _member_value_label(self, fname, value):
        """A readable rendering of a member's value for messages."""
        return self._field_value_label(self, fname, value)

    @api.model
    def _field_value_label(self, model, fname, value):
        """A readable rendering of the value of ``model``'s field ``fname``."""
        field = model._fields[fname]
        if not value:
            return ""
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type == "many2one":
            record = value if isinstance(value, models.BaseModel) else None
            record = record or self.env[field.comodel_name].browse(value)
            return record.display_name
        if field.type == "date":
            return format_date(self.env, value)
        return str(value)

    @api.model
    def _member_value_errors(self, values):
        """Messages saying what to fix in a member's ``values``."""
        errors = []
        member = self._compose_member_name(values.get("firstname"), values.get("lastname"))
        member = member or self.env._("(unnamed)")
        for fname in REQUIRED_MEMBER_FIELDS:
            if not values.get(fname):
                errors.append(
                    self.env._(
                        "The field “%(field)s” of member %(member)s is required.",
                        field=self._fields[fname]._description_string(self.env),
                        member=member,
                    )
                )
        roles = dict(self._fields["household_role"]._description_selection(self.env))
        if values.get("household_role") and values["household_role"] not in roles:
            errors.append(
                self.env._(
                    "Choose the role of %(member)s among: %(roles)s.",
                    member=member,
                    roles=", ".join(roles.values()),
                )
            )
        titles = self._household_titles()
        if values.get("title") and values["title"] not in titles.ids:
            errors.append(
                self.env._(
                    "Choose the civility of %(member)s among: %(titles)s.",
                    member=member,
                    titles=", ".join(titles.mapped("name")),
                )
            )
        birthdate = values.get("birthdate") and fields.Date.to_date(values["birthdate"])
        if birthdate and birthdate < EARLIEST_BIRTHDATE:
            errors.append(
                self.env._(
                    "The birth date of %(member)s (%(date)s) is too old: check the year.",
                    member=member,
                    date=fields.Date.to_string(birthdate),
                )
            )
        if birthdate and birthdate > fields.Date.context_today(self):
            errors.append(
                self.env._(
                    "The birth date of %(member)s (%(date)s) is in the future: correct it.",
                    member=member,
                    date=format_date(self.env, birthdate),
                )
            )
        email_message = email_error(self.env, values.get("email"))
        if email_message:
            errors.append(email_message)
        return errors

    @api.model
    def _portal_member_values(self, values, member):
        """Keep what a citizen may declare about ``member`` (empty: a new one).

        Returns JSON-ready values that differ from the member's current ones.
        :raise ValidationError: on a text a form cannot send (a file, a NUL byte, too
            long), an unknown civility or a date that cannot be read
        """
        values = {fname: values[fname] for fname in PORTAL_MEMBER_FIELDS if fname in values}
        errors = self._form_text_errors(self, values)
        if errors:
            raise ValidationError("\n".join(errors))
        cleaned = {}
        for fname, value in values.items():
            value = (value.strip() if isinstance(value, str) else value) or False
            if fname == "title" and value:
                title_id = parse_id(value)
                if title_id not in self._household_titles().ids:
                    # Unknown (or no longer offered): refused by _member_value_errors.
                    title_id = -1
                value = title_id
            if fname == "birthdate" and value:
                try:
                    birthdate = parse_date(value)
                except ValueError as error:
                    raise ValidationError(
                        self.env._(
                            "The birth date “%(date)s” is not a valid date: use the format "
                            "YYYY-MM-DD.",
                            date=value,
                        )
                    ) from error
                if birthdate < EARLIEST_BIRTHDATE:
                    raise ValidationError(
                        self.env._(
                            "The birth date “%(date)s” is too old: check the year.", date=value
                        )
                    )
                value = fields.Date.to_string(birthdate)
            cleaned[fname] = value
        if member:
            if member.household_role == "responsible":
                # The responsible adult stays responsible.
                cleaned.pop("household_role", None)
            current = member._member_snapshot()
            current["birthdate"] = fields.Date.to_string(current["birthdate"]) or False
            cleaned = {
                fname: value
                for fname, value in cleaned.items()
                if value != (current.get(fname) or False)
            }
        return cleaned
