from odoo import api, models
from odoo.exceptions import ValidationError
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
        # sudo: the citizen's files, checked below and bound to their record by the caller
        pages = self.env["ir.attachment"].sudo().create(values)
        self._check_uploads(pages)
        return pages

    @api.model
    def _portal_usable_domain(self, household, justificatif_type):
        """The household's documents of ``justificatif_type`` a request may use."""
        return [
            ("household_id", "=", household.id),
            ("type_id", "=", justificatif_type.id),
            ("state", "in", ("validated", "pending")),
        ]
