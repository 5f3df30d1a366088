from odoo import models

# The letters' reports: rendered in a self-contained page (see letter_minimal_layout).
LETTER_REPORTS = (
    "courrier_templates.collectivite_letter_document",
    "courrier_templates.collectivite_letter_template_document",
    "courrier_templates.collectivite_letter_wizard_document",
)


class IrActionsReport(models.Model):
    """Letters are laid out by wkhtmltopdf from a page that carries its own
    small stylesheet: nothing is fetched over HTTP while rendering (no asset
    bundle to load, no request back to the server), which keeps a batch of
    500 letters in one fast run."""

    _inherit = "ir.actions.report"

    def _get_layout(self):
        if self.report_name in LETTER_REPORTS:
            return self.env.ref("courrier_templates.letter_minimal_layout")
        return super()._get_layout()
