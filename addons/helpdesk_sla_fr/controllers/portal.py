from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk

from ..models.helpdesk_priority_matrix import IMPACTS


class HelpdeskTicketSlaController(HelpdeskTicketController):
    """The requester qualifies the ticket (impact, blocking, type, product);
    a refusal (e.g. not the organisation's référent) re-renders the form with
    the message and the input kept."""

    def _prepare_submit_ticket_vals(self, **kw):
        vals = super()._prepare_submit_ticket_vals(**kw)
        impact = kw.get("impact")
        vals["impact"] = impact if impact in dict(IMPACTS) else "medium"
        vals["is_blocking"] = bool(kw.get("is_blocking"))
        vals["ticket_type"] = "evolution" if kw.get("ticket_type") == "evolution" else "incident"
        product_id = int(kw.get("product") or 0) if str(kw.get("product") or "").isdigit() else 0
        if product_id:
            # sudo: products are reference data; only the id is checked
            product = request.env["helpdesk.ticket.product"].sudo().browse(product_id).exists()
            vals["product_id"] = product.id or False
        return vals

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        # sudo: products are reference data shown to every requester
        values["sla_products"] = request.env["helpdesk.ticket.product"].sudo().search([])
        values["sla_impacts"] = IMPACTS
        values["sla_input"] = kw
        return values

    @http.route()
    def submit_ticket(self, **kw):
        try:
            return super().submit_ticket(**kw)
        except UserError as error:
            # refused before anything is written (contract checks precede the insert)
            values = self._get_create_new_ticket_values(**kw)
            values["sla_error"] = str(error.args[0])
            return request.render("helpdesk_mgmt.portal_create_ticket", values)


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
