import base64

from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import consteq, plaintext2html

from odoo.addons.collectivite_base.markers import server_marks
from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk
from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.helpdesk_priority_matrix import IMPACTS

# Largest id PostgreSQL's integer columns hold.
MAX_ID = 2**31 - 1


def _parse_id(value):
    """The id a form sent, or 0 when it is empty; None when it is not an id
    (``int()`` accepts "²" and " 12 ", ``isdigit()`` accepts "²")."""
    value = value if isinstance(value, str) else ""
    if not value:
        return 0
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        return None
    return int(value)


def _text(value):
    """A text field of a form: a string, or "" for anything else (a file, a list)."""
    return value if isinstance(value, str) else ""


def _kept_input(kw):
    """The form's input, shown again with a refusal (without NUL characters)."""
    return {key: _text(value).replace("\x00", "") for key, value in kw.items()}


def _valid_token(ticket_sudo, access_token):
    return bool(
        access_token
        and ticket_sudo.access_token
        and consteq(ticket_sudo.access_token, str(access_token))
    )


def _is_requester(ticket_sudo, access_token):
    """Whether the current user is the ticket's requester, or holds the link
    mailed to her (its access token). Her colleagues may read the ticket (OCA's
    portal rule), not close or rate it."""
    partner = request.env.user.partner_id
    return bool(ticket_sudo.partner_id and ticket_sudo.partner_id == partner) or _valid_token(
        ticket_sudo, access_token
    )


def _ticket_url(ticket_id, access_token=None):
    query = f"?{url_encode({'access_token': access_token})}" if access_token else ""
    return f"/my/ticket/{ticket_id}{query}"


class HelpdeskTicketSlaController(HelpdeskTicketController):
    """The requester qualifies the ticket (impact, blocking, type, product)
    among the teams, categories and products of her collectivité (company);
    a refusal (e.g. not the organisation's référent) re-renders the form with
    the message and the input kept, nothing stored.

    Every route of OCA's controller that used ``sudo()`` is redone here:
    ``sudo()`` only after the requester's access or choices are checked."""

    # ------------------------------------------------------------------
    # Closing from the portal
    # ------------------------------------------------------------------

    @http.route("/ticket/close", type="http", auth="user", methods=["POST"], csrf=True)
    def support_ticket_close(self, ticket_id=None, stage_id=None, access_token=None, **kw):
        """Close one of the requester's tickets into a stage that allows
        closing from the portal (OCA searched the ticket with ``sudo()``,
        on a GET, without checking who asked)."""
        ticket_id, stage_id = _parse_id(ticket_id), _parse_id(stage_id)
        if not ticket_id:
            return request.redirect("/my")
        try:
            # the portal's access check (rules, or the ticket's access token)
            ticket_sudo = CustomerPortal._document_check_access(
                self, "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        stages = ticket_sudo.team_id._get_applicable_stages().filtered(
            lambda s: s.close_from_portal and s.closed
        )
        stage = stages.filtered(lambda s: s.id == stage_id)
        if (
            not _is_requester(ticket_sudo, access_token)
            or not stage
            or ticket_sudo.closed_date
            or ticket_sudo.stage_id.closed
        ):
            # the ticket's page says why (OCA's redirect kept: same URL, 302)
            request.session["sla_close_refused"] = ticket_sudo.id
        else:
            # sudo: the requester's access and the target stage are checked above;
            # written as the requester (tracking, closing mail, KPIs).
            ticket_sudo.with_user(request.env.user).sudo().write({"stage_id": stage.id})
        return request.redirect(_ticket_url(ticket_sudo.id, access_token), code=302)

    # ------------------------------------------------------------------
    # New ticket
    # ------------------------------------------------------------------

    def _sla_company(self):
        """The requester's collectivité: the company she works in (one of hers)."""
        return request.env.company

    def _sla_in_company(self, records):
        company = self._sla_company()
        return records.filtered(lambda r: not r.company_id or r.company_id == company)

    def _get_teams(self):
        return self._sla_in_company(super()._get_teams())

    def _get_categories(self, **kw):
        return self._sla_in_company(super()._get_categories(**kw))

    def _sla_portal_categories(self):
        """The categories a requester may give when the form does not offer
        a choice (OCA takes the one a link or an integration sends): those the
        form would offer."""
        categories = request.env["helpdesk.ticket.category"].search(
            [("active", "=", True), ("show_in_portal", "=", True)]
        )
        return self._sla_in_company(categories)

    def _sla_portal_products(self):
        """Products offered in the form: those of the requester's collectivité."""
        # sudo: products are reference data the portal cannot read; scoped to
        # the requester's company.
        return (
            request.env["helpdesk.ticket.product"]
            .sudo()
            .search([("company_id", "in", [False, self._sla_company().id])])
        )

    def _sla_choose(self, offered, raw, message):
        """The record of ``offered`` whose id the form sent (empty when none
        was chosen); a UserError with ``message`` for any other value."""
        record_id = _parse_id(raw)
        chosen = offered.filtered(lambda r: r.id == record_id) if record_id else offered[:0]
        if record_id is None or (record_id and not chosen):
            raise UserError(message)
        return chosen

    def _prepare_submit_ticket_vals(self, **kw):
        """Values of the requester's new ticket, each one checked (OCA looked
        the team up with ``sudo()`` and took any category id)."""
        env = request.env
        if any("\x00" in _text(value) for value in kw.values()):
            raise UserError(
                env._("Your text contains characters that cannot be recorded: please retype it.")
            )
        company = self._sla_company()
        # what the form offers (empty when the company does not let requesters choose)
        teams = self._get_teams()
        categories = self._get_categories(**kw)
        team = self._sla_choose(teams, kw.get("team"), env._("Please choose a team from the list."))
        category = self._sla_choose(
            categories or self._sla_portal_categories(),
            kw.get("category"),
            env._("Please choose a category from the list."),
        )
        if teams and not team and company.helpdesk_mgmt_portal_team_id_required:
            raise UserError(env._("Please choose a team."))
        if categories and not category and company.helpdesk_mgmt_portal_category_id_required:
            raise UserError(env._("Please choose a category."))
        subject = _text(kw.get("subject")).strip()
        if not subject:
            raise UserError(env._("Please give the subject of your ticket."))
        description = _text(kw.get("description")).strip()
        if not description:
            raise UserError(env._("Please describe your request."))
        product = self._sla_choose(
            self._sla_portal_products(),
            kw.get("product"),
            env._("Please choose a product from the list."),
        )
        impact = kw.get("impact")
        partner = env.user.partner_id
        vals = {
            "company_id": (category.company_id or team.company_id or company).id,
            "category_id": category.id,
            "description": plaintext2html(description),
            "name": subject,
            "attachment_ids": False,
            "channel_id": env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web", False).id,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "user_id": False,
            "impact": impact if impact in dict(IMPACTS) else "medium",
            "is_blocking": bool(kw.get("is_blocking")),
            "ticket_type": "evolution" if kw.get("ticket_type") == "evolution" else "incident",
            "product_id": product.id or False,
        }
        if team:
            vals["team_id"] = team.id
        # OCA sets the stage so that its mail template is sent
        vals["stage_id"] = team._get_applicable_stages()[:1].id
        return vals

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        values["sla_products"] = self._sla_portal_products()
        values["sla_impacts"] = IMPACTS
        values["sla_input"] = _kept_input(kw)
        return values

    @http.route()
    def submit_ticket(self, **kw):
        try:
            # a refusal stores nothing, even after the insert
            with request.env.cr.savepoint():
                vals = self._prepare_submit_ticket_vals(**kw)
                # sudo: requesters have no create right on tickets; every value
                # was checked above (their own partner, offered team and category).
                ticket = request.env["helpdesk.ticket"].sudo().create(vals)
                ticket.message_subscribe(partner_ids=request.env.user.partner_id.ids)
                self._sla_attach_files(ticket)
        except UserError as error:
            values = self._get_create_new_ticket_values(**kw)
            values["sla_error"] = str(error.args[0])
            return request.render("helpdesk_mgmt.portal_create_ticket", values)
        return request.redirect(f"/my/ticket/{ticket.id}")

    def _sla_attach_files(self, ticket_sudo):
        """The files sent with the form, on the ticket just created."""
        values = [
            {
                "name": upload.filename,
                "datas": base64.b64encode(upload.read()),
                "res_model": "helpdesk.ticket",
                "res_id": ticket_sudo.id,
            }
            for upload in request.httprequest.files.getlist("attachment")
            if upload.filename
        ]
        if values:
            # sudo: attachments of the ticket this requester has just created
            request.env["ir.attachment"].sudo().create(values)


class CustomerPortalHelpdeskSla(CustomerPortalHelpdesk):
    @http.route()
    def portal_my_tickets(
        self,
        page=1,
        date_begin=None,
        date_end=None,
        sortby=None,
        filterby=None,
        search=None,
        search_in=None,
        groupby=None,
        **kw,
    ):
        """OCA's list, its parameters checked first: an unknown sorting or
        grouping, a date that is not one, a page that is not a number or NUL
        characters are dropped with a French message instead of a 500."""
        env = request.env
        errors = []
        if sortby and sortby not in self._ticket_get_searchbar_sortings():
            errors.append(env._("This sorting is unknown: the newest tickets come first."))
            sortby = None
        if groupby and groupby not in self._ticket_get_searchbar_groupby():
            errors.append(env._("This grouping is unknown: the tickets are not grouped."))
            groupby = None
        if date_begin or date_end:
            try:
                date_begin, date_end = (
                    fields.Datetime.to_string(fields.Datetime.to_datetime(_text(value)))
                    for value in (date_begin, date_end)
                )
            except (ValueError, TypeError):
                errors.append(env._("These dates are not valid dates: the period is ignored."))
                date_begin = date_end = None
        if _parse_id(str(page)) is None:
            page = 1
        if "\x00" in _text(search) or "\x00" in _text(filterby) or "\x00" in _text(search_in):
            errors.append(
                env._("Your search contains characters that cannot be used: they were removed.")
            )
        search, filterby, search_in = (
            _text(value).replace("\x00", "") or None for value in (search, filterby, search_in)
        )
        response = super().portal_my_tickets(
            page=page,
            date_begin=date_begin,
            date_end=date_end,
            sortby=sortby,
            filterby=filterby,
            search=search,
            search_in=search_in,
            groupby=groupby,
            **kw,
        )
        if errors and getattr(response, "qcontext", None) is not None:
            response.qcontext["sla_search_errors"] = errors
        return response

    def _sla_attachments(self, ticket_sudo):
        """The ticket's files the requester may see: not those of internal notes."""
        internal = ticket_sudo.message_ids.filtered(
            lambda m: m.is_internal or m.subtype_id.internal
        )
        return ticket_sudo.attachment_ids - internal.attachment_ids

    @http.route()
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        # tokens for the files shown in the page only (OCA gave one to every
        # attachment of the ticket, internal notes' included)
        for attachment in self._sla_attachments(ticket_sudo):
            attachment.generate_access_token()
        values = self._ticket_get_page_view_values(ticket_sudo, access_token, **kw)
        return request.render("helpdesk_mgmt.portal_helpdesk_ticket_page", values)

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        is_requester = _is_requester(ticket, access_token)
        # the buttons /ticket/close accepts
        values["closed_stages"] = (
            values["closed_stages"].filtered("closed")
            if is_requester
            else values["closed_stages"][:0]
        )
        values["sla_remark_open"] = bool(
            is_requester
            and ticket.stage_id.closed
            and ticket.closed_date
            and ticket._sla_is_remark_open()
        )
        values["sla_remark_error"] = kwargs.get("sla_remark_error")
        if request.session.pop("sla_close_refused", None) == ticket.id:
            values["sla_close_error"] = request.env._(
                "This ticket cannot be closed into this stage from the portal: nothing was changed."
            )
        values["sla_attachments"] = self._sla_attachments(ticket)
        return values

    @http.route(
        ["/my/ticket/<int:ticket_id>/remark"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_ticket_remark(self, ticket_id, access_token=None, rating=None, remark=None, **kw):
        try:
            ticket_sudo = self._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        marks = ("sla_remark_by_token",) if _valid_token(ticket_sudo, access_token) else ()
        remark = _text(remark).strip()
        try:
            with server_marks(*marks):
                # as the user: the model checks that she is the requester
                request.env["helpdesk.ticket"].browse(ticket_sudo.id).action_sla_submit_remark(
                    rating, remark
                )
        except (UserError, AccessError) as error:
            values = self._ticket_get_page_view_values(
                ticket_sudo, access_token, sla_remark_error=str(error.args[0])
            )
            values["sla_remark_input"] = remark.replace("\x00", "")
            return request.render("helpdesk_mgmt.portal_helpdesk_ticket_page", values)
        return request.redirect(_ticket_url(ticket_sudo.id, access_token))
