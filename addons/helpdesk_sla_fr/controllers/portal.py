from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


class CustomerPortalHelpdeskSla(CustomerPortalHelpdesk):
    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        open_ = False
        if ticket.stage_id.closed and ticket.closed_date and not ticket.date_remark:
            try:
                ticket._sla_check_remark_allowed(fields.Datetime.now())
                open_ = True
            except UserError:
                open_ = False
        values["sla_remark_open"] = open_
        values["sla_remark_error"] = kwargs.get("sla_remark_error")
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
        try:
            # sudo: access to the ticket checked above (rule or access token)
            ticket_sudo.action_sla_submit_remark(rating, (remark or "").strip())
        except UserError as error:
            values = self._ticket_get_page_view_values(
                ticket_sudo, access_token, sla_remark_error=str(error.args[0])
            )
            return request.render("helpdesk_mgmt.portal_helpdesk_ticket_page", values)
        return request.redirect(ticket_sudo.get_portal_url())
