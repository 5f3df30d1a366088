from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..form_values import displayable
from ..models.collectivite_household_portal import PORTAL_HOUSEHOLD_FIELDS
from ..models.res_partner_member_values import PORTAL_MEMBER_FIELDS


class HouseholdPortal(CustomerPortal):
    """“Mon foyer”: the citizen's household, its members and its changes.

    The pages read with the citizen's own rights (record rules scope them to
    their household); every change goes through
    ``collectivite.household._portal_submit_change``, which checks ownership.
    """

    def _household_values(self, household, **values):
        Partner = request.env["res.partner"]
        partner = request.env.user.partner_id
        return dict(
            self._prepare_portal_layout_values(),
            household=household,
            # Only the responsible edits; a shared link shows the household read-only.
            can_edit=household == partner.household_id
            and partner.household_role == "responsible"
            and household.state != "archived",
            titles=Partner._household_titles(),
            channels=household._fields["contact_channel"]._description_selection(request.env),
            roles=[
                role
                for role in Partner._fields["household_role"]._description_selection(request.env)
                if role[0] != "responsible"
            ],
            **values,
        )

    def _household_refusal(self, household):
        """The page to show instead of the household, if any."""
        if not household:
            return request.render(
                "household_accounts.portal_household_missing",
                self._prepare_portal_layout_values(),
            )
        # The user's own household (or one opened with its token): only its active flag
        # is read, to say why the page is refused; the record rule hides the rest.
        if not household.sudo().is_active:  # sudo: active flag only, see above
            return request.render(
                "household_accounts.portal_household_inactive",
                dict(self._prepare_portal_layout_values(), household=household),
                status=403,
            )
        return None

    def _household_page(self, household, message=None, access_token=None):
        refusal = self._household_refusal(household)
        if refusal:
            return refusal
        values = self._household_values(
            household,
            page_name="household",
            # The responsible, then the eldest first; members without birth date last.
            members=household.member_ids.sorted(
                lambda member: (
                    member.household_role != "responsible",
                    not member.birthdate,
                    str(member.birthdate or ""),
                )
            ),
            message=message,
        )
        # The chatter: messages to and from the town hall (internal notes stay hidden).
        values = self._get_page_view_values(
            household, access_token, values, "my_household_history", False
        )
        return request.render("household_accounts.portal_my_household", values)

    @http.route("/my/household", type="http", auth="user", website=True, readonly=True)
    def portal_my_household(self, message=None, **kw):
        return self._household_page(request.env.user.partner_id.household_id, message)

    @http.route(
        "/my/household/<int:household_id>", type="http", auth="user", website=True, readonly=True
    )
    def portal_household(self, household_id, access_token=None, message=None, **kw):
        try:
            household_sudo = self._document_check_access(
                "collectivite.household", household_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        household = request.env["collectivite.household"].browse(household_id)
        if household.has_access("read"):
            household_sudo = household
        return self._household_page(household_sudo, message, access_token)

    @http.route(
        "/my/household/edit",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_household_edit(self, **post):
        household = request.env.user.partner_id.household_id
        refusal = self._household_refusal(household)
        if refusal:
            return refusal
        form = {fname: household[fname] or "" for fname in PORTAL_HOUSEHOLD_FIELDS}
        error = None
        if request.httprequest.method == "POST":
            posted = {fname: post.get(fname, "") for fname in PORTAL_HOUSEHOLD_FIELDS}
            error, redirect = self._submit(household, household_values=posted)
            if redirect:
                return redirect
            form = {fname: displayable(value) for fname, value in posted.items()}
        values = self._household_values(
            household, page_name="household_edit", form=form, error=error
        )
        return request.render("household_accounts.portal_household_edit", values)

    @http.route(
        ["/my/household/member/new", "/my/household/member/<int:member_id>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_household_member(self, member_id=None, **post):
        household = request.env.user.partner_id.household_id
        refusal = self._household_refusal(household)
        if refusal:
            return refusal
        member = request.env["res.partner"]
        if member_id:
            member = household.member_ids.filtered(lambda partner: partner.id == member_id)
            if not member:
                raise NotFound()
        form = {fname: member[fname] or "" for fname in PORTAL_MEMBER_FIELDS} if member else {}
        if member:
            form["title"] = member.title.id
        error = None
        if request.httprequest.method == "POST":
            posted = {fname: post.get(fname, "") for fname in PORTAL_MEMBER_FIELDS}
            error, redirect = self._submit(household, members=[dict(posted, id=member.id)])
            if redirect:
                return redirect
            form = {fname: displayable(value) for fname, value in posted.items()}
        values = self._household_values(
            household, page_name="household_member", member=member, form=form, error=error
        )
        return request.render("household_accounts.portal_household_member", values)

    def _submit(self, household, household_values=None, members=None):
        """Submit a change; return (error message, None) or (None, redirect)."""
        try:
            with request.env.cr.savepoint():
                change = household._portal_submit_change(household_values, members)
        except UserError as error:
            return error.args[0], None
        message = "pending" if change else "saved"
        return None, request.redirect(f"/my/household?message={message}")
