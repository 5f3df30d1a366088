from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.auth_signup.controllers.main import AuthSignupHome

from ..form_values import displayable
from ..models.res_users import SIGNUP_HOUSEHOLD_FIELDS, SIGNUP_MEMBER_FIELDS

# The form's fields; the civility is posted as ``civility`` (``title`` is the page's
# title in the layout templates).
SIGNUP_FORM_FIELDS = (
    "company_id",
    "email",
    *("civility" if fname == "title" else fname for fname in SIGNUP_MEMBER_FIELDS),
    *SIGNUP_HOUSEHOLD_FIELDS,
)


class HouseholdSignup(http.Controller):
    """“Créer mon compte” (``/household/signup``): a household account in one's commune.

    A path of its own, opened commune by commune (``res.company.household_signup_open``);
    Odoo's ``/web/signup`` keeps doing what Odoo configures it to do. The citizen
    chooses their password from the link e-mailed to them (Odoo's invitation page).
    """

    @http.route(
        "/household/signup",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["GET", "POST"],
    )
    def household_signup(self, **post):
        companies = request.env["res.company"]._household_signup_companies()
        if not companies:
            raise NotFound()
        # As posted (a file or a NUL byte is refused by the model); shown back without
        # what cannot be displayed.
        posted = {
            fname: value.strip() if isinstance(value, str) else value
            for fname, value in ((fname, post.get(fname) or "") for fname in SIGNUP_FORM_FIELDS)
        }
        form = {fname: displayable(value) for fname, value in posted.items()}
        if not form["company_id"] and len(companies) == 1:
            form["company_id"] = posted["company_id"] = str(companies.id)
        error = None
        if request.httprequest.method == "POST":
            values = {"title" if key == "civility" else key: value for key, value in posted.items()}
            lang = request.env.lang
            if lang in dict(request.env["res.lang"].get_installed()):
                values["lang"] = lang
            try:
                if not request.env["ir.http"]._verify_request_recaptcha_token("signup"):
                    raise UserError(request.env._("Suspicious activity detected by reCaptcha."))
                with request.env.cr.savepoint():
                    # sudo: public sign-up, checked and limited by _household_signup
                    request.env["res.users"].sudo()._household_signup(values)
            except UserError as exception:
                error = exception.args[0]
            else:
                return self._render("household_accounts.household_signup_sent", email=form["email"])
        return self._render(
            "household_accounts.household_signup",
            form=form,
            error=error,
            companies=companies,
            titles=request.env["res.partner"]._household_titles(),
            channels=request.env["collectivite.household"]
            ._fields["contact_channel"]
            ._description_selection(request.env),
        )

    def _render(self, template, **values):
        response = request.render(template, values)
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        return response


class HouseholdSignupLogin(AuthSignupHome):
    """The login page links to the household sign-up when a commune opened it."""

    @http.route()
    def web_login(self, *args, **kw):
        response = super().web_login(*args, **kw)
        if getattr(response, "qcontext", None) is not None:
            response.qcontext["household_signup_open"] = bool(
                request.env["res.company"]._household_signup_companies()
            )
        return response
