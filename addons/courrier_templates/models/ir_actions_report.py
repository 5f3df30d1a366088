from odoo import models

from odoo.addons.collectivite_base.markers import is_marked, server_marks

# The letters' reports: rendered in a self-contained page (see letter_minimal_layout).
LETTER_REPORTS = (
    "courrier_templates.collectivite_letter_document",
    "courrier_templates.collectivite_letter_template_document",
    "courrier_templates.collectivite_letter_wizard_document",
)
# Set by the server while wkhtmltopdf renders one of the letters' reports.
LETTER_RENDERING_MARK = "courrier_templates.rendering_letters"


class IrActionsReport(models.Model):
    """Letters are laid out by wkhtmltopdf from a page that carries its own
    small stylesheet: nothing is fetched over HTTP while rendering (no asset
    bundle to load, no request back to the server), which keeps a batch of
    500 letters in one fast run. The page has no script either, so wkhtmltopdf
    prints it as soon as it is loaded, without Odoo's ``report.print_delay``
    (a second by default, per run)."""

    _inherit = "ir.actions.report"

    def _get_layout(self):
        if self.report_name in LETTER_REPORTS:
            return self.env.ref("courrier_templates.letter_minimal_layout")
        return super()._get_layout()

    def _run_wkhtmltopdf(self, bodies, *args, **kwargs):
        report_ref = kwargs.get("report_ref", args[0] if args else False)
        if report_ref and self._get_report(report_ref).report_name in LETTER_REPORTS:
            with server_marks(LETTER_RENDERING_MARK):
                return super()._run_wkhtmltopdf(bodies, *args, **kwargs)
        return super()._run_wkhtmltopdf(bodies, *args, **kwargs)

    def _build_wkhtmltopdf_args(self, *args, **kwargs):
        command_args = super()._build_wkhtmltopdf_args(*args, **kwargs)
        if is_marked(LETTER_RENDERING_MARK) and "--javascript-delay" in command_args:
            command_args[command_args.index("--javascript-delay") + 1] = "0"
        return command_args
