from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.collectivite_letter import CHANNEL_MEANS, LETTER_MEANS, MEANS


class CollectiviteLetterWizard(models.TransientModel):
    """ "Contacter l'usager": one contact with the citizen of a request, by the
    means the agent picks (the household's preferred one by default)."""

    _name = "collectivite.letter.wizard"
    _description = "Contact the citizen"

    request_id = fields.Many2one("collectivite.request", required=True, readonly=True)
    teleservice_id = fields.Many2one(related="request_id.teleservice_id")
    means = fields.Selection(MEANS, required=True, default="email")
    is_letter = fields.Boolean(compute="_compute_is_letter")
    template_id = fields.Many2one(
        "collectivite.letter.template",
        domain="['|', ('teleservice_ids', '=', False), ('teleservice_ids', 'in', teleservice_id), "
        "'|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one(related="request_id.company_id")
    text = fields.Text(
        "Observation",
        help="The observation put into the letter, the SMS or the summary of the call.",
    )
    internal_note = fields.Text(help="For the agents only: never shown to the citizen.")
    recipient = fields.Char(compute="_compute_recipient")
    preview_html = fields.Html(compute="_compute_preview", sanitize=False)
    empty_variables = fields.Char(compute="_compute_preview")
    is_empty_confirmed = fields.Boolean("Send although some variables are empty")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        request = self.env["collectivite.request"].browse(values.get("request_id"))
        if request and "means" in fields_list:
            channel = request.household_id.contact_channel
            values["means"] = CHANNEL_MEANS.get(channel, values.get("means") or "email")
        return values

    @api.depends("means")
    def _compute_is_letter(self):
        for wizard in self:
            wizard.is_letter = wizard.means in LETTER_MEANS

    @api.depends("means", "request_id")
    def _compute_recipient(self):
        Letter = self.env["collectivite.letter"]
        for wizard in self:
            if wizard.means == "email":
                wizard.recipient = Letter._recipient_email(wizard.request_id) or False
            elif wizard.means in ("sms", "phone"):
                wizard.recipient = Letter._recipient_mobile(wizard.request_id) or (
                    wizard.request_id.household_id.phone or False
                )
            else:
                wizard.recipient = False

    @api.depends("template_id", "text", "means", "request_id")
    def _compute_preview(self):
        for wizard in self:
            wizard.preview_html = False
            wizard.empty_variables = False
            template, request = wizard.template_id, wizard.request_id
            if not (wizard.is_letter and template and request):
                continue
            title, body = template._render_letter(request, wizard.text)[request.id]
            missing = template._empty_placeholders(request, wizard.text).get(request.id, [])
            wizard.empty_variables = ", ".join(missing) or False
            wizard.preview_html = self.env["ir.qweb"]._render(
                "courrier_templates.letter_preview_html",
                {"title": title, "body": body, "letter_request": request, "missing": missing},
            )

    def _check_ready(self):
        self.ensure_one()
        if self.is_letter and self.empty_variables and not self.is_empty_confirmed:
            raise UserError(
                self.env._(
                    "These variables are empty for this request: %(variables)s. Tick the box to "
                    "send anyway, or cancel.",
                    variables=self.empty_variables,
                )
            )

    def action_send(self):
        self._check_ready()
        letter = self.env["collectivite.letter"]._send(
            self.request_id,
            self.means,
            template=self.template_id if self.is_letter else None,
            text=self.text,
            internal_note=self.internal_note,
        )
        if letter.attachment_id and self.means in ("mail", "counter"):
            # The PDF to print.
            return {
                "type": "ir.actions.act_url",
                "url": "/web/content/%s?download=true" % letter.attachment_id.id,
                "target": "new",
                "close": True,
            }
        return {"type": "ir.actions.act_window_close"}

    def action_preview_pdf(self):
        self.ensure_one()
        if not (self.is_letter and self.template_id):
            raise UserError(self.env._("Choose a letter template."))
        return self.env.ref("courrier_templates.collectivite_letter_wizard_report").report_action(
            self
        )

    def _preview_values(self):
        """What the preview report shows (the letter as it would be sent)."""
        self.ensure_one()
        title, body = self.template_id._render_letter(self.request_id, self.text)[
            self.request_id.id
        ]
        return {
            "title": title or self.template_id.name,
            "body": body or Markup(),
            "layout": self.template_id.layout,
            "letter_request": self.request_id,
            "date": fields.Date.context_today(self),
            "author": self.env.user,
        }
