from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from odoo.addons.collectivite_base.tools import email_error

from ..form_values import parse_id

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


class ResPartner(models.Model):
    """What a household member's values may be: the citizen's input cleaned, the
    messages saying what to fix, and readable labels for the history."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

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
        birthdate = values.get("birthdate")
        if birthdate and fields.Date.to_date(birthdate) > fields.Date.context_today(self):
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
        :raise ValidationError: on a date that cannot be read
        """
        cleaned = {}
        for fname in PORTAL_MEMBER_FIELDS:
            if fname not in values:
                continue
            value = values[fname]
            value = (value.strip() if isinstance(value, str) else value) or False
            if fname == "title" and value:
                value = self.env["res.partner.title"].browse(parse_id(value)).exists().id or False
            if fname == "birthdate" and value:
                try:
                    value = fields.Date.to_string(fields.Date.to_date(value))
                except ValueError as error:
                    raise ValidationError(
                        self.env._(
                            "The birth date “%(date)s” is not a valid date: use the format "
                            "YYYY-MM-DD.",
                            date=value,
                        )
                    ) from error
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
