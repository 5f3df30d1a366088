from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.household_accounts.form_values import displayable, parse_id, text_problem
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.collectivite_request import OPEN_STATES
from .portal_dates import date_formatter

DECIDED_STATES = ("validated", "refused", "cancelled", "notified", "closed", "archived")
# Longest message or answer a citizen writes.
MAX_MESSAGE = 10000


class RequestPortal(CustomerPortal):
    """“Mes demandes”: the citizen follows the requests of their household
    (online or made at the counter), reads the public history, writes to the
    service and answers an incomplete request.

    Lists and pages read with the citizen's own rights (the portal record rule
    scopes them to the household); a request they may not read is a 404, like
    one that does not exist. Changes go through the request's ``_portal_*``
    methods, which check the household, the state and the agent's lock."""

    # ------------------------------------------------------------------- home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "teleservice_request_count" in counters:
            Request = request.env["collectivite.request"]
            values["teleservice_request_count"] = (
                Request.search_count(self._requests_domain()) if Request.has_access("read") else 0
            )
        return values

    @staticmethod
    def _requests_domain():
        # Drafts are the form's (“Mes brouillons”); the record rule keeps the household's.
        return [("state", "!=", "draft")]

    def _requests_searchbar_sortings(self):
        env = request.env
        return {
            "date": {"label": env._("Newest"), "order": "date_submitted desc, id desc"},
            "name": {"label": env._("Number"), "order": "name desc, id desc"},
            "teleservice": {"label": env._("Procedure"), "order": "teleservice_id, id desc"},
        }

    def _requests_searchbar_filters(self):
        env = request.env
        return {
            "all": {"label": env._("All"), "domain": []},
            "open": {"label": env._("Being examined"), "domain": [("state", "in", OPEN_STATES)]},
            "to_answer": {
                "label": env._("Waiting for my answer"),
                "domain": [("state", "=", "incomplete")],
            },
            "done": {"label": env._("Decided"), "domain": [("state", "in", DECIDED_STATES)]},
        }

    # ------------------------------------------------------------------- list
    @http.route(
        ["/my/demandes", "/my/demandes/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_requests(self, page=1, sortby=None, filterby=None, **kw):
        sortings = self._requests_searchbar_sortings()
        filters = self._requests_searchbar_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        Request = request.env["collectivite.request"]
        domain = self._requests_domain() + filters[filterby]["domain"]
        total = Request.search_count(domain)
        pager = portal_pager(
            url="/my/demandes",
            url_args={"sortby": sortby, "filterby": filterby},
            total=total,
            page=page,
            step=self._items_per_page,
        )
        # The columns the list shows, read with the search (one query).
        requests = Request.search_fetch(
            domain,
            [
                "name",
                "teleservice_id",
                "subject_name",
                "date_submitted",
                "date_qos_deadline",
                "state",
            ],
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        format_date = date_formatter(request.env)
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="teleservice_requests",
            requests=requests,
            dates={
                record.id: (
                    format_date(record.date_submitted),
                    format_date(record.date_qos_deadline) if record.state in OPEN_STATES else "",
                )
                for record in requests
            },
            pager=pager,
            default_url="/my/demandes",
            searchbar_sortings=sortings,
            sortby=sortby,
            searchbar_filters=filters,
            filterby=filterby,
        )
        return request.render("teleservice_requests.portal_my_requests", values)

    # ----------------------------------------------------------------- detail
    @staticmethod
    def _request_or_404(request_id):
        """The citizen's request, or a 404 that says nothing of whether it exists."""
        record = request.env["collectivite.request"].browse(request_id).exists()
        if not record:
            raise NotFound()
        try:
            record.check_access("read")
        except AccessError as error:
            raise NotFound() from error
        if record.state == "draft":
            raise NotFound()
        return record

    def _request_page(self, record, **values):
        justificatifs = record.justificatif_ids._filtered_access("read")
        # sudo: the pages of justificatifs the citizen may read (checked just above);
        # /web/content checks each page against its justificatif again
        pages = {justificatif: justificatif.sudo().page_ids for justificatif in justificatifs}
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="teleservice_request",
            record=record,
            messages=record._portal_messages(),
            justificatifs=justificatifs,
            pages=pages,
            can_answer=record._portal_can_answer(),
            can_write=record._is_citizen_of(request.env.user)
            and record.state not in ("closed", "archived"),
            answer_types=record.teleservice_id.justificatif_type_ids,
            missing_types=record.missing_justificatif_type_ids,
            **values,
        )
        values.setdefault("form", {})
        return request.render("teleservice_requests.portal_my_request", values)

    @http.route(
        "/my/demandes/<int:request_id>", type="http", auth="user", website=True, readonly=True
    )
    def portal_my_request(self, request_id, message=None, **kw):
        record = self._request_or_404(request_id)
        return self._request_page(record, message=message)

    @http.route(
        "/my/demandes/<int:request_id>/document/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_request_document(self, request_id, attachment_id, **kw):
        """A page of a justificatif of the request, for the household only."""
        record = self._request_or_404(request_id)
        justificatifs = record.justificatif_ids._filtered_access("read")
        # sudo: pages of justificatifs the citizen may read (checked just above)
        page = justificatifs.sudo().page_ids.filtered(lambda att: att.id == attachment_id)
        if not page:
            raise NotFound()
        stream = request.env["ir.binary"]._get_stream_from(page)
        return stream.get_response(as_attachment=True)

    @staticmethod
    def _check_body(body):
        """Refuse a message that is not a text, holds control characters or is too long."""
        problem = text_problem(body, MAX_MESSAGE)
        if problem == "length":
            raise UserError(
                request.env._(
                    "This message is too long (%(max)s characters at most).", max=MAX_MESSAGE
                )
            )
        if problem == "type":
            raise UserError(request.env._("This value cannot be read."))
        if problem:
            raise UserError(request.env._("This message contains characters that are not allowed."))

    @http.route(
        "/my/demandes/<int:request_id>/message",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_request_message(self, request_id, body=None, **kw):
        record = self._request_or_404(request_id)
        try:
            self._check_body(body)
            with request.env.cr.savepoint():
                record._portal_post_message(body)
        except UserError as error:
            return self._request_page(
                record, error=error.args[0], form={"body": displayable(body)}, error_form="message"
            )
        return request.redirect(f"/my/demandes/{record.id}?message=sent")

    @http.route(
        "/my/demandes/<int:request_id>/answer",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_request_answer(self, request_id, body=None, justificatif_type_id=None, **kw):
        record = self._request_or_404(request_id)
        files = [
            (storage.filename or "document", storage.read())
            for storage in request.httprequest.files.getlist("files")
        ]
        type_id = parse_id(justificatif_type_id) or None
        try:
            self._check_body(body)
            with request.env.cr.savepoint():
                record._portal_answer(body, type_id, files)
        except (UserError, ValidationError) as error:
            return self._request_page(
                record,
                error=error.args[0],
                form={"body": displayable(body), "justificatif_type_id": type_id},
                error_form="answer",
            )
        return request.redirect(f"/my/demandes/{record.id}?message=answered")
