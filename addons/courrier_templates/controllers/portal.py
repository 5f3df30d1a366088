from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# "Mes courriers" shows 20 letters a page; a class attribute would set the page size of
# every portal list (the controllers of all addons are one class).
LETTERS_PER_PAGE = 20


class CourrierPortal(CustomerPortal):
    """“Mes courriers”: the letters and e-mails sent to the citizen's household.

    Lists and pages read with the citizen's own rights (the portal record rule
    keeps them to their household's letters, never SMS, calls or notes); the
    PDF is served only after that read succeeded.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "courrier_count" in counters:
            Letter = request.env["collectivite.letter"]
            values["courrier_count"] = Letter.search_count([]) if Letter.has_access("read") else 0
        return values

    def _courrier_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date desc, id desc"},
            "request": {"label": request.env._("Request"), "order": "request_id desc, date desc"},
        }

    @http.route(
        ["/my/courriers", "/my/courriers/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_courriers(self, page=1, sortby="date", **kw):
        Letter = request.env["collectivite.letter"]
        sortings = self._courrier_sortings()
        if sortby not in sortings:
            sortby = "date"
        count = Letter.search_count([])
        pager = portal_pager(
            url="/my/courriers",
            url_args={"sortby": sortby},
            total=count,
            page=page,
            step=LETTERS_PER_PAGE,
        )
        letters = Letter.search(
            [], order=sortings[sortby]["order"], limit=LETTERS_PER_PAGE, offset=pager["offset"]
        )
        values = dict(
            self._prepare_portal_layout_values(),
            letters=letters,
            page_name="courriers",
            pager=pager,
            default_url="/my/courriers",
            searchbar_sortings=sortings,
            sortby=sortby,
        )
        return request.render("courrier_templates.portal_my_courriers", values)

    def _courrier(self, letter_id):
        """The letter, read as the citizen (their record rule), or 404."""
        letter = request.env["collectivite.letter"].browse(letter_id).exists()
        if not letter:
            raise NotFound()
        try:
            letter.check_access("read")
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        return letter

    @http.route(
        "/my/courriers/<int:letter_id>", type="http", auth="user", website=True, readonly=True
    )
    def portal_my_courrier(self, letter_id, **kw):
        letter = self._courrier(letter_id)
        values = dict(self._prepare_portal_layout_values(), letter=letter, page_name="courrier")
        return request.render("courrier_templates.portal_my_courrier", values)

    @http.route("/my/courriers/<int:letter_id>/pdf", type="http", auth="user", readonly=True)
    def portal_my_courrier_pdf(self, letter_id, **kw):
        letter = self._courrier(letter_id)
        # sudo: the PDF of a letter the citizen has just been allowed to read
        attachment = letter.sudo().attachment_id
        if not attachment:
            raise NotFound()
        return request.make_response(
            attachment.raw,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", http.content_disposition(attachment.name)),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
