from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request


class PortalLegal(http.Controller):
    """Public pages of the portal: the legal mentions and terms of use of the
    collectivité, and the help of each online téléservice."""

    @staticmethod
    def _company(company=None):
        """The collectivité whose page is shown: the one asked for (its pages are
        public), else the visitor's."""
        if company and str(company).isdigit():
            # sudo: a collectivité's name and legal pages are public
            asked = request.env["res.company"].sudo().browse(int(company)).exists()
            if asked:
                return asked
        return request.env.company

    def _legal_page(self, kind, company):
        company = self._company(company)
        page = request.env["collectivite.legal.page"]._public_page(kind, company)
        labels = dict(
            request.env["collectivite.legal.page"]
            ._fields["kind"]
            ._description_selection(request.env)
        )
        return request.render(
            "teleservice_requests.portal_legal_page",
            {"page": page, "title": labels[kind], "company": company, "kind": kind},
        )

    @http.route("/mentions-legales", type="http", auth="public", website=True, readonly=True)
    def legal_mentions(self, company=None, **kw):
        return self._legal_page("legal", company)

    @http.route("/conditions-utilisation", type="http", auth="public", website=True, readonly=True)
    def terms_of_use(self, company=None, **kw):
        return self._legal_page("terms", company)

    @http.route(
        "/demarches/aide/<int:teleservice_id>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def teleservice_help(self, teleservice_id, **kw):
        # sudo: the help of an online, active téléservice is public; nothing else is shown
        teleservice = request.env["collectivite.teleservice"].sudo().browse(teleservice_id)
        if not teleservice.exists() or not teleservice.active or not teleservice.is_online:
            raise NotFound()
        return request.render(
            "teleservice_requests.portal_teleservice_help", {"teleservice": teleservice}
        )
