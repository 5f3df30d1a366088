from odoo.http import request

from odoo.addons.auth_signup.controllers.main import AuthSignupHome
from odoo.addons.web.controllers.home import SIGN_UP_REQUEST_PARAMS

from ..models.res_users import (
    SIGNUP_HOUSEHOLD_FIELDS,
    SIGNUP_MEMBER_FIELDS,
)

# The civility is posted as ``civility`` (``title`` is the page's title in templates).
SIGNUP_FORM_FIELDS = tuple(
    "civility" if fname == "title" else fname
    for fname in SIGNUP_MEMBER_FIELDS + SIGNUP_HOUSEHOLD_FIELDS
)
# Keep the citizen's input when the form is shown again with an error.
SIGN_UP_REQUEST_PARAMS.update(SIGNUP_FORM_FIELDS)


class HouseholdSignup(AuthSignupHome):
    """“Créer mon compte”: the sign-up form also creates the citizen's household."""

    def get_auth_signup_qcontext(self):
        qcontext = super().get_auth_signup_qcontext()
        qcontext["household_titles"] = request.env["res.partner.title"].search([])
        qcontext["household_channels"] = (
            request.env["collectivite.household"]
            ._fields["contact_channel"]
            ._description_selection(request.env)
        )
        return qcontext

    def _prepare_signup_values(self, qcontext):
        if qcontext.get("token"):
            # An invited person already has a partner (and maybe a household).
            return super()._prepare_signup_values(qcontext)
        qcontext["name"] = request.env["res.partner"]._compose_member_name(
            qcontext.get("firstname"), qcontext.get("lastname")
        )
        values = super()._prepare_signup_values(qcontext)
        values["household_signup"] = {
            "title" if fname == "civility" else fname: qcontext.get(fname)
            for fname in SIGNUP_FORM_FIELDS
        }
        return values
