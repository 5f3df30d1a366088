from odoo import fields, http
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.http import request

from odoo.addons.household_accounts.form_values import parse_id

from .portal_form import TeleserviceFormPortal


class StepRefused(Exception):
    """A step with errors: what it stored so far is rolled back."""


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
            documents = Justificatif.search(
                [
                    ("household_id", "=", household.id),
                    ("type_id", "in", draft.teleservice_id.justificatif_type_ids.ids),
                ]
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
        """Link the chosen documents, store the uploaded ones; ``{type id: error}``."""
        errors = {}
        links = []
        Justificatif = request.env["collectivite.justificatif"]
        try:
            with request.env.cr.savepoint():
                for jtype, usable, _other in options:
                    choice = chosen.get(jtype.id) or ""
                    current = draft.justificatif_ids.filtered(lambda j, t=jtype: j.type_id == t)
                    if choice == "new":
                        uploads = [
                            (upload.filename, upload.read())
                            for upload in request.httprequest.files.getlist(f"upload_{jtype.id}")
                            if upload.filename
                        ]
                        if not uploads:
                            errors[jtype.id] = request.env._(
                                "Choose the file(s) of the document to send."
                            )
                            continue
                        try:
                            with request.env.cr.savepoint():
                                pages = Justificatif._portal_pages(uploads)
                                # sudo: the citizen's upload for their own draft
                                document = Justificatif.sudo().create(
                                    {
                                        "name": jtype.name,
                                        "type_id": jtype.id,
                                        "household_id": draft.household_id.id,
                                        "partner_id": draft.subject_id.id,
                                        "company_id": draft.company_id.id,
                                        "page_ids": [Command.set(pages.ids)],
                                    }
                                )
                        except ValidationError as error:
                            errors[jtype.id] = error.args[0]
                            continue
                    else:
                        choice_id = parse_id(choice)
                        document = usable.filtered(lambda j, c=choice_id: j.id == c)
                        if not document:
                            errors[jtype.id] = request.env._(
                                "Choose one of your documents or send a new one."
                            )
                            continue
                    links += [Command.unlink(j.id) for j in current - document]
                    links.append(Command.link(document.id))
                if errors:
                    raise StepRefused()
                draft.write({"justificatif_ids": links})
        except StepRefused:
            # Nothing stored: the savepoint is rolled back, the errors are shown.
            return errors
        return errors
