from odoo import http

from odoo.addons.portal.controllers.portal import CustomerPortal


class CollectivitePortal(CustomerPortal):
    @http.route()
    def counters(self, counters=None, **kw):
        """Only the names of counters are passed on to the addons that compute them:
        what a client sends instead of a list of names (nothing, a number, a dict)
        asks for no counter."""
        names = [c for c in counters if isinstance(c, str)] if isinstance(counters, list) else []
        return super().counters(names, **kw)
