from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.household_accounts.form_values import parse_id
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


def portal_company(commune=None):
    """The collectivité whose catalogue is shown: the citizen's (their
    household's commune), else the commune a visitor chose among those with
    online téléservices, else the current company."""
    user = request.env.user
    if not user._is_public():
        return user.partner_id.household_id.company_id or request.env.company
    company_id = parse_id(commune) if commune else 0
    if company_id:
        # sudo: the communes of the public catalogue (a name and an id), nothing else
        company = request.env["res.company"].sudo().browse(company_id).exists()
        if company and request.env["collectivite.teleservice"]._portal_catalogue(company):
            return company
    return request.env.company


def active_household(partner):
    """The partner's household if its account is active (else an empty record)."""
    household = partner.household_id
    # sudo: the active flag only (the record rules hide an inactive household)
    return household if household and household.sudo().is_active else household.browse()


def catalogue_teleservice(teleservice_id, commune=None):
    """An online téléservice of the current collectivité (superuser record,
    public fields only), or 404."""
    teleservices = request.env["collectivite.teleservice"]._portal_catalogue(
        portal_company(commune)
    )
    teleservice = teleservices.filtered(lambda t: t.id == teleservice_id)
    if not teleservice:
        raise NotFound()
    return teleservice


class TeleserviceCataloguePortal(CustomerPortal):
    """The public catalogue of online procedures (``/demarches``), the start of
    a procedure (the person concerned, resuming a draft) and “Mes brouillons”."""

    # ------------------------------------------------------------ home (/my)
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Request = request.env["collectivite.request"]
        partner = request.env.user.partner_id
        if "teleservice_request_count" in counters:
            values["teleservice_request_count"] = Request.search_count(
                [("state", "!=", "draft")] + Request._portal_owner_domain(partner)
            )
        if "teleservice_draft_count" in counters:
            values["teleservice_draft_count"] = Request.search_count(
                [("state", "=", "draft"), ("channel", "=", "portal")]
                + Request._portal_owner_domain(partner)
            )
        return values

    # -------------------------------------------------------------- catalogue
    @http.route("/demarches", type="http", auth="public", website=True, readonly=True)
    def portal_catalogue(self, commune=None, **kw):
        company = portal_company(commune)
        Teleservice = request.env["collectivite.teleservice"]
        today = fields.Date.context_today(Teleservice)
        categories = {}
        for teleservice in Teleservice._portal_catalogue(company):
            status, season = teleservice._portal_registration(today)
            categories.setdefault(teleservice.category_id, []).append(
                {"teleservice": teleservice, "status": status, "season": season}
            )
        communes = request.env["res.company"]
        if request.env.user._is_public():
            # sudo: the names of the communes offering online téléservices
            communes = Teleservice.sudo()._read_group([("is_online", "=", True)], ["company_id"])
            communes = request.env["res.company"].sudo().browse([c.id for (c,) in communes])
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="catalogue",
            company=company,
            communes=communes if len(communes) > 1 else communes.browse(),
            categories=list(categories.items()),
            is_public=request.env.user._is_public(),
        )
        return request.render("teleservice_requests.portal_catalogue", values)

    @http.route(
        "/demarches/<int:teleservice_id>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_teleservice(self, teleservice_id, commune=None, **kw):
        teleservice = catalogue_teleservice(teleservice_id, commune)
        return self._start_page(teleservice, commune=commune)

    def _start_page(self, teleservice, error=None, commune=None, status=200, **values):
        user = request.env.user
        registration, season = teleservice._portal_registration()
        partner = user.partner_id
        household = active_household(partner) if not user._is_public() else None
        members = household.member_ids.sorted("name") if household else partner
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="teleservice",
            teleservice=teleservice,
            registration=registration,
            season=season,
            is_public=user._is_public(),
            household=household,
            members=members,
            asks_subject=bool(household) and len(members) > 1,
            drafts=request.env["collectivite.request"].browse(),
            commune=commune,
            error=error,
            **values,
        )
        if not user._is_public():
            Request = request.env["collectivite.request"]
            values["drafts"] = Request.search(
                [
                    ("teleservice_id", "=", teleservice.id),
                    ("state", "=", "draft"),
                    ("channel", "=", "portal"),
                ]
                + Request._portal_owner_domain(partner)
            )
        return request.render("teleservice_requests.portal_teleservice", values, status=status)

    @http.route(
        "/demarches/<int:teleservice_id>/commencer",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_teleservice_start(self, teleservice_id, subject_id=None, new=None, **kw):
        teleservice = catalogue_teleservice(teleservice_id)
        partner = request.env.user.partner_id
        registration, _season = teleservice._portal_registration()
        if registration in ("upcoming", "closed"):
            return self._start_page(
                teleservice, request.env._("Registration is not open."), status=400
            )
        if teleservice.needs_household and not active_household(partner):
            return self._start_page(
                teleservice,
                request.env._("This procedure needs a household account."),
                status=400,
            )
        members = active_household(partner).member_ids or partner
        subject = (
            members.filtered(lambda m: m.id == parse_id(subject_id)) if subject_id else partner
        )
        if not subject:
            return self._start_page(
                teleservice,
                request.env._("Choose the person concerned among the members of your household."),
                status=400,
            )
        Request = request.env["collectivite.request"]
        draft = Request._portal_find_draft(teleservice, partner, subject)
        if not draft:
            draft = Request._portal_new_draft(teleservice, partner, subject)
        return request.redirect(f"/demarches/brouillon/{draft.id}")

    # ----------------------------------------------------------------- drafts
    @http.route(
        ["/my/brouillons", "/my/brouillons/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_drafts(self, page=1, message=None, **kw):
        Request = request.env["collectivite.request"]
        domain = [
            ("state", "=", "draft"),
            ("channel", "=", "portal"),
        ] + Request._portal_owner_domain(request.env.user.partner_id)
        pager = self._pager_values(Request.search_count(domain), page)
        drafts = Request.search(
            domain,
            order="write_date desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="drafts",
            drafts=drafts,
            pager=pager,
            message=message,
        )
        return request.render("teleservice_requests.portal_my_drafts", values)

    def _pager_values(self, count, page):
        return portal_pager(url="/my/brouillons", total=count, page=page, step=self._items_per_page)

    @http.route(
        "/my/brouillons/<int:draft_id>/supprimer",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_draft_delete(self, draft_id, **kw):
        try:
            draft = (
                request.env["collectivite.request"]
                .browse(draft_id)
                ._portal_check_draft(request.env.user.partner_id)
            )
        except (AccessError, MissingError):
            raise NotFound() from None
        draft.unlink()
        return request.redirect("/my/brouillons?message=deleted")
