from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import email_normalize

from odoo.addons.household_accounts.form_values import displayable, text_problem

from .portal_catalogue import TeleserviceCataloguePortal, catalogue_teleservice
from .portal_form import TeleserviceFormPortal


class TeleserviceAnonymousPortal(TeleserviceCataloguePortal, TeleserviceFormPortal):
    """Procedures without an account: a visitor gives their name and e-mail,
    fills the form reached by its private link, gets a number, a tracking code
    and the link by e-mail; anyone follows a request with its number, its code
    and the e-mail given."""

    @http.route(
        "/demarches/<int:teleservice_id>/sans-compte",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_anonymous_start(self, teleservice_id, commune=None, **post):
        teleservice = catalogue_teleservice(teleservice_id, commune)
        if not request.env.user._is_public():
            return request.redirect(f"/demarches/{teleservice.id}")
        if teleservice.needs_household:
            raise NotFound()
        name = post.get("visitor_name", "")
        email = post.get("visitor_email", "")
        form = {"visitor_name": displayable(name), "visitor_email": displayable(email)}
        registration, _season = teleservice._portal_registration()
        error = None
        if registration in ("upcoming", "closed"):
            error = request.env._("Registration is not open.")
        elif text_problem(name) or not isinstance(name, str) or not name.strip():
            error = request.env._("Enter your name (200 characters at most).")
        elif text_problem(email) or not email_normalize(email):
            error = request.env._("Enter a valid e-mail address.")
        if not error:
            try:
                with request.env.cr.savepoint():
                    draft = request.env["collectivite.request"]._portal_new_anonymous(
                        teleservice,
                        name.strip(),
                        email_normalize(email),
                        request.httprequest.remote_addr,
                    )
            except UserError as refusal:
                error = refusal.args[0]
            else:
                return request.redirect(
                    f"/demarches/brouillon/{draft.id}?access_token={draft.access_token}"
                )
        return self._start_page(teleservice, error, commune=commune, status=400, form=form)

    def _after_submit(self, draft):
        if request.env.user._is_public():
            draft._portal_send_tracking()
        return super()._after_submit(draft)

    # ------------------------------------------------------------ follow-up
    @http.route(
        "/demarches/suivi",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_tracking_form(self, **post):
        error = None
        form = {k: displayable(post.get(k, "")) for k in ("number", "code", "email")}
        if request.httprequest.method == "POST":
            found = request.env["collectivite.request"]._portal_find_by_code(
                post.get("number"), post.get("code"), post.get("email")
            )
            if found:
                found._portal_ensure_token()
                return request.redirect(
                    f"/demarches/suivi/{found.id}?access_token={found.access_token}"
                )
            error = request.env._(
                "No request matches this number, tracking code and e-mail address."
            )
        values = dict(
            self._prepare_portal_layout_values(), page_name="tracking", form=form, error=error
        )
        return request.render(
            "teleservice_requests.portal_tracking_form", values, status=404 if error else 200
        )

    @http.route(
        "/demarches/suivi/<int:request_id>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_tracking(self, request_id, access_token=None, **kw):
        try:
            followed = request.env["collectivite.request"]._portal_check_token(
                request_id, access_token
            )
        except (AccessError, MissingError):
            raise NotFound() from None
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="tracking",
            followed=followed,
            state_label=followed._state_label(followed.state),
        )
        return request.render("teleservice_requests.portal_tracking", values)
