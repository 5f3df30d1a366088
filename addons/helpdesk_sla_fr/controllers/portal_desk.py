"""The support desk's portal is for the requesters of a service contract (the
customer organisations' users and the référents): a resident of the commune
gets no IT-support form, no ticket list and no entry on the portal's home (404),
and uses the online procedures instead (e.g. "Intervention technique")."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.tools import lazy

from .portal import CustomerPortalHelpdeskSla, HelpdeskTicketSlaController


def desk_requester():
    """Whether the current user may open support tickets: internal users, and
    portal users who are requesters of a service contract."""
    user = request.env.user
    return not user.share or user.partner_id._sla_is_desk_requester()


def desk_follower():
    """Whether the current user may list support tickets: a requester, or
    someone whose tickets the desk opened for them (a phone call)."""
    return desk_requester() or bool(request.env["helpdesk.ticket"].search_count([], limit=1))


class HelpdeskTicketDeskController(HelpdeskTicketSlaController):
    @http.route()
    def create_new_ticket(self, **kw):
        if not desk_requester():
            raise NotFound()
        return super().create_new_ticket(**kw)

    @http.route()
    def submit_ticket(self, **kw):
        if not desk_requester():
            raise NotFound()
        return super().submit_ticket(**kw)


class CustomerPortalHelpdeskDesk(CustomerPortalHelpdeskSla):
    def _prepare_portal_layout_values(self):
        # For the templates of /my (the home's support desk entry); not a counter:
        # /my/counters answers only the counters the page asks for.
        values = super()._prepare_portal_layout_values()
        # a visitor (public pages using the portal layout) has no support desk;
        # lazy: its two queries only on the page that shows the entry (/my)
        values["sla_desk_access"] = lazy(
            lambda: not request.env.user._is_public() and desk_follower()
        )
        return values

    def _prepare_home_portal_values(self, counters):
        follower = desk_follower()
        if not follower:
            counters = [counter for counter in counters if counter != "ticket_count"]
        values = super()._prepare_home_portal_values(counters)
        if not follower and "ticket_count" in values:
            values["ticket_count"] = 0
        return values

    @http.route()
    def portal_my_tickets(self, *args, **kw):
        if not desk_follower():
            raise NotFound()
        response = super().portal_my_tickets(*args, **kw)
        if getattr(response, "qcontext", None) is not None:
            response.qcontext["sla_desk_requester"] = desk_requester()
        return response
