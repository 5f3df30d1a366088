from odoo import api, models
from odoo.exceptions import UserError, ValidationError

# Sign-up form fields that describe the citizen and their household.
SIGNUP_MEMBER_FIELDS = ("title", "firstname", "lastname", "birthdate", "phone")
SIGNUP_HOUSEHOLD_FIELDS = (
    "street_number",
    "street",
    "street2",
    "zip",
    "city",
    "contact_channel",
)


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _signup_create_user(self, values):
        """Create the citizen's household with them as responsible (“Créer mon compte”).

        Everything is checked before anything is created; the user and the
        household are created together or not at all.
        """
        signup = values.pop("household_signup", None)
        if signup is None:
            return super()._signup_create_user(values)
        Partner = self.env["res.partner"]
        Household = self.env["collectivite.household"]
        email = (values.get("login") or "").strip()
        self._check_signup_email(email)
        member_values = Partner._portal_member_values(
            {fname: signup.get(fname) for fname in SIGNUP_MEMBER_FIELDS}, Partner
        )
        member_values.update(household_role="responsible", email=email)
        household_values = {
            fname: (signup.get(fname) or "").strip() or False for fname in SIGNUP_HOUSEHOLD_FIELDS
        }
        household_values["contact_channel"] = household_values["contact_channel"] or "email"
        household_values["email"] = email
        # The phone given at sign-up is the household's contact phone too.
        household_values["phone"] = member_values.get("phone") or False
        errors = Partner._member_value_errors(member_values)
        errors += Household._household_value_errors(household_values)
        if errors:
            raise ValidationError("\n".join(errors))
        with self.env.cr.savepoint():
            user = super()._signup_create_user(values)
            user.partner_id.write(member_values)
            # Through the responsible's inverse: one2many commands would run
            # without the sign-up's superuser rights.
            Household.create(
                dict(
                    household_values,
                    company_id=user.company_id.id,
                    responsible_id=user.partner_id.id,
                )
            )
        return user

    @api.model
    def _check_signup_email(self, email):
        users = self.with_context(active_test=False)
        if users.search_count([("login", "=ilike", email)], limit=1):
            raise UserError(
                self.env._(
                    "The email address %(email)s is already used by another account: log in "
                    "with it, or use “Reset Password” if you forgot your password.",
                    email=email,
                )
            )
        if self.env["res.partner"].search_count(
            [("household_id", "!=", False), ("email", "=ilike", email)], limit=1
        ):
            raise UserError(
                self.env._(
                    "The email address %(email)s is already known by the town hall for a "
                    "household: ask it to send you the invitation to your online space.",
                    email=email,
                )
            )
