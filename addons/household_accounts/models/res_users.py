import logging

from odoo import Command, api, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize
from odoo.tools.sql import escape_psql

from ..form_values import parse_id

_logger = logging.getLogger(__name__)

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
    def _household_signup(self, values):
        """“Créer mon compte”: a citizen creates their household account in their commune.

        The household sign-up page calls this as superuser; it is its own path, Odoo's
        free sign-up (``/web/signup``) is left as it is. Everything is checked first:

        - when the e-mail address is free, the portal user and the household (in
          progress, in the chosen commune, with the citizen as responsible) are
          created together, and the address receives the link to choose a password;
        - when the address is already an account's login, that account receives a
          reminder and nothing is created.

        The visitor is answered the same way in both cases: the page never says
        whether an address is known.

        :param values: the form's values (``company_id``, ``email``, the member's
            and the household's fields)
        :return: the new user (empty when the address was already used)
        :raise ValidationError: with every message saying what to fix; nothing is created
        """
        Partner = self.env["res.partner"]
        Household = self.env["collectivite.household"]
        # What a form cannot send (a file, a NUL byte, a text too long) is refused first.
        errors = Partner._form_text_errors(
            Partner, {fname: values.get(fname) for fname in ("email", *SIGNUP_MEMBER_FIELDS)}
        ) + Partner._form_text_errors(
            Household, {fname: values.get(fname) for fname in SIGNUP_HOUSEHOLD_FIELDS}
        )
        if errors:
            raise ValidationError("\n".join(errors))
        email = (values.get("email") or "").strip()
        member_values = Partner._portal_member_values(
            {fname: values.get(fname) for fname in SIGNUP_MEMBER_FIELDS}, Partner
        )
        member_values.update(household_role="responsible", email=email)
        household_values = {
            fname: (values.get(fname) or "").strip() or False for fname in SIGNUP_HOUSEHOLD_FIELDS
        }
        household_values["contact_channel"] = household_values["contact_channel"] or "email"
        household_values["email"] = email
        # The phone given at sign-up is the household's contact phone too.
        household_values["phone"] = member_values.get("phone") or False
        company, errors = self._household_signup_company(values.get("company_id"))
        if not email:
            errors.append(self.env._("Give your email address: your account is created with it."))
        errors += Partner._member_value_errors(member_values)
        errors += Household._household_value_errors(household_values)
        if errors:
            # The address is checked both as the member's and as the household's.
            raise ValidationError("\n".join(dict.fromkeys(errors)))
        existing = self.with_context(active_test=False).search(
            [("login", "=ilike", escape_psql(email))], limit=1
        )
        if existing:
            existing._household_signup_remind(company)
            return self.browse()
        with self.env.cr.savepoint():
            user = self.with_context(no_reset_password=True)._create_user_from_template(
                {
                    "login": email_normalize(email) or email,
                    "email": email,
                    "name": Partner._compose_member_name(
                        member_values.get("firstname"), member_values.get("lastname")
                    ),
                    "lang": values.get("lang") or False,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                }
            )
            user.partner_id.write(dict(member_values, company_id=company.id))
            # Through the responsible's inverse: the partner already has its user.
            household = Household.create(
                dict(household_values, company_id=company.id, responsible_id=user.partner_id.id)
            )
        household._log_signup_duplicates()
        user.partner_id.signup_prepare(signup_type="signup")
        self.env.ref("household_accounts.mail_template_household_signup").with_context(
            signup_url=user.partner_id._get_signup_url()
        ).send_mail(user.id)
        return user

    @api.model
    def _household_signup_company(self, company_id):
        """The commune chosen on the sign-up form, if its sign-up is open.

        :return: ``(company, errors)``, the company empty when refused
        """
        open_companies = self.env["res.company"]._household_signup_companies()
        company_id = parse_id(company_id)
        company = open_companies.filtered(lambda company: company.id == company_id)
        if company:
            return company, []
        return company, [
            self.env._(
                "Choose your commune among: %(communes)s.",
                communes=", ".join(open_companies.mapped("name")),
            )
        ]

    def _household_signup_remind(self, company):
        """Tell an existing account that someone signed up with its address."""
        self.ensure_one()
        if not self.active or not self.email:
            _logger.info("Household sign-up with the login of inactive user %s", self.id)
            return
        self.env.ref("household_accounts.mail_template_household_signup_existing").with_context(
            signup_company_name=company.name
        ).send_mail(self.id)
