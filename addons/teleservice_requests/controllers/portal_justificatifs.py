from odoo import fields, http
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.http import request

from odoo.addons.household_accounts.form_values import parse_id

from .portal_form import TeleserviceFormPortal


class TeleserviceJustificatifPortal(TeleserviceFormPortal):
    """The justificatifs step of a form: for each type the téléservice needs, a
    valid document of the household's space, or new pages uploaded."""

    def _justificatif_options(self, draft):
        """``[(type, usable documents, refused or expired documents)]``."""
        Justificatif = request.env["collectivite.justificatif"]
        household = draft.household_id
        today = fields.Date.context_today(Justificatif)
        documents = Justificatif
        if household:
            # The household's documents, read with the citizen's rights
            # (superuser for a visitor, who has no household).
            documents = Justificatif.search_fetch(
                [
                    ("household_id", "=", household.id),
                    ("type_id", "in", draft.teleservice_id.justificatif_type_ids.ids),
                ],
                [
                    "name",
                    "type_id",
                    "household_id",
                    "state",
                    "date_valid_until",
                    "partner_id",
                    "comment",
                ],
            )
        options = []
        for jtype in draft.teleservice_id.justificatif_type_ids:
            of_type = documents.filtered(lambda j, jtype=jtype: j.type_id == jtype)
            usable = of_type.filtered_domain(Justificatif._portal_usable_domain(household, jtype))
            usable = usable.filtered(
                lambda j: not j.date_valid_until or j.date_valid_until >= today
            )
            options.append((jtype, usable, of_type - usable))
        return options

    @http.route(
        "/demarches/brouillon/<int:draft_id>/justificatifs",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_draft_justificatifs(self, draft_id, access_token=None, **kw):
        draft = self._draft(draft_id, access_token)
        if not draft.teleservice_id.justificatif_type_ids:
            return request.redirect(self._url(draft, "/recapitulatif"))
        options = self._justificatif_options(draft)
        chosen = {
            jtype.id: str(
                draft.justificatif_ids.filtered(lambda j, t=jtype: j.type_id == t)[:1].id or ""
            )
            for jtype, _usable, _other in options
        }
        errors = {}
        if request.httprequest.method == "POST":
            form = request.httprequest.form
            chosen = {jtype.id: form.get(f"jtype_{jtype.id}", "") for jtype, _u, _o in options}
            errors = self._save_justificatifs(draft, options, chosen)
            if not errors:
                return request.redirect(self._url(draft, "/recapitulatif"))
        steps = self._steps(draft)
        pages = self._navigation(draft, steps)
        current = len(pages) - 2
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="teleservice_form",
            draft=draft,
            teleservice=draft.teleservice_id,
            options=options,
            chosen=chosen,
            errors={f"jtype_{t}": e for t, e in errors.items()},
            error_labels=[
                (f"jtype_{jtype.id}", jtype.name, errors[jtype.id])
                for jtype, _u, _o in options
                if jtype.id in errors
            ],
            pages=pages,
            current=current,
            action=self._url(draft, "/justificatifs"),
            back_url=pages[current - 1][0] if current else None,
        )
        return request.render(
            "teleservice_requests.portal_form_justificatifs",
            values,
            status=400 if errors else 200,
        )

    def _save_justificatifs(self, draft, options, chosen):
        """Link the chosen documents, store the uploaded ones; ``{type id: error}``.
        Every choice and file is checked before anything is stored; the new
        documents (and their pages) are then created in one batch."""
        errors = {}
        Justificatif = request.env["collectivite.justificatif"]
        documents = {}  # type: a document of the household
        new_pages = {}  # type: checked values of the pages of a new document
        for jtype, usable, _other in options:
            choice = chosen.get(jtype.id) or ""
            if choice == "new":
                uploads = [
                    (upload.filename, upload.read())
                    for upload in request.httprequest.files.getlist(f"upload_{jtype.id}")
                    if upload.filename
                ]
                if not uploads:
                    errors[jtype.id] = request.env._("Choose the file(s) of the document to send.")
                    continue
                try:
                    new_pages[jtype] = Justificatif._portal_page_values(uploads)
                except ValidationError as error:
                    errors[jtype.id] = error.args[0]
            else:
                choice_id = parse_id(choice)
                document = usable.filtered(lambda j, c=choice_id: j.id == c)
                if not document:
                    errors[jtype.id] = request.env._(
                        "Choose one of your documents or send a new one."
                    )
                    continue
                documents[jtype] = document
        if errors:
            # Nothing stored: the errors are shown.
            return errors
        try:
            with request.env.cr.savepoint():
                if new_pages:
                    documents.update(Justificatif._portal_create_documents(draft, new_pages))
                links = []
                for jtype, _usable, _other in options:
                    document = documents[jtype]
                    current = draft.justificatif_ids.filtered(lambda j, t=jtype: j.type_id == t)
                    links += [Command.unlink(j.id) for j in current - document]
                    links.append(Command.link(document.id))
                draft.write({"justificatif_ids": links})
        except ValidationError as error:
            # Nothing stored (the savepoint is rolled back): shown on the first new document.
            errors[next(iter(new_pages), options[0][0]).id] = error.args[0]
        return errors
