from types import SimpleNamespace

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.household_accounts.form_values import displayable

MAX_NAME_LENGTH = 120


class CollectiviteJustificatif(models.Model):
    """Justificatifs a citizen picks or uploads from the portal."""

    # One file per concern of the justificatif, on purpose: nothing to merge.
    _inherit = "collectivite.justificatif"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _portal_pages(self, uploads):
        """Store uploaded files ``[(file name, content)]`` as pages, their type
        read from their content (never from their name), refused with a French
        message when empty, of a forbidden type or too large. The caller runs it
        in a savepoint: a refused file leaves nothing stored."""
        # sudo: the citizen's files, checked below and bound to their record by the caller
        pages = self.env["ir.attachment"].sudo().create(self._portal_page_values(uploads))
        self._check_uploads(pages)
        return pages

    @api.model
    def _portal_page_values(self, uploads):
        """The values of the pages of uploaded files ``[(file name, content)]``,
        checked before anything is stored (``_portal_pages``' checks).

        :raise ValidationError: for an empty file, a forbidden type or a file too large
        """
        values = []
        for name, content in uploads:
            name = displayable(name or "").strip()[:MAX_NAME_LENGTH] or "document"
            if not content:
                raise ValidationError(self.env._("The file “%(file)s” is empty.", file=name))
            values.append(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": guess_mimetype(content, default="application/octet-stream"),
                }
            )
        self._check_uploads(
            [
                SimpleNamespace(name=v["name"], mimetype=v["mimetype"], file_size=len(v["raw"]))
                for v in values
            ]
        )
        return values

    @api.model
    def _portal_create_documents(self, draft, page_values):
        """New documents of ``draft``'s household, one per justificatif type of
        ``page_values`` (``{type: checked page values}``), created in one batch
        (their pages too). The caller checked the draft is the citizen's.

        :return: ``{type: justificatif}``"""
        # sudo: the citizen's checked files, bound to their justificatif below
        pages = (
            self.env["ir.attachment"]
            .sudo()
            .create([page for pages in page_values.values() for page in pages])
        )
        vals_list = []
        start = 0
        for jtype, values in page_values.items():
            vals_list.append(
                {
                    "name": jtype.name,
                    "type_id": jtype.id,
                    "household_id": draft.household_id.id,
                    "partner_id": draft.subject_id.id,
                    "company_id": draft.company_id.id,
                    "page_ids": [Command.set(pages[start : start + len(values)].ids)],
                }
            )
            start += len(values)
        # sudo: the citizen's upload for their own draft
        documents = self.sudo().create(vals_list)
        return dict(zip(page_values, documents, strict=True))

    @api.model
    def _portal_usable_domain(self, household, justificatif_type):
        """The household's documents of ``justificatif_type`` a request may use."""
        return [
            ("household_id", "=", household.id),
            ("type_id", "=", justificatif_type.id),
            ("state", "in", ("validated", "pending")),
        ]
