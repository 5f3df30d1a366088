import logging

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command

from odoo.addons.collectivite_base.markers import is_marked, server_marks

from .letter_pdf_split import split_letters

_logger = logging.getLogger(__name__)

# Means of a contact; the citizen sees the letters and e-mails in their space.
MEANS = [
    ("email", "E-mail"),
    ("mail", "Postal mail"),
    ("counter", "Letter handed over at the counter"),
    ("sms", "SMS"),
    ("phone", "Phone"),
]
LETTER_MEANS = ("email", "mail", "counter")
# The household's preferred contact channel, as a means.
CHANNEL_MEANS = {"email": "email", "mail": "mail", "sms": "sms", "phone": "phone"}
SMS_CAPTURE_PARAM = "courrier_templates.sms_capture"
# Set by the server around the creation of letters (a client cannot set it).
WRITING_MARK = "courrier_templates.writing_letters"


class CollectiviteLetter(models.Model):
    """One contact with the citizen about a request: a letter (e-mail, postal
    mail, handed over at the counter) with its PDF, an SMS or a phone call.
    Written by the server only (the wizard, the mass sending), never changed."""

    _name = "collectivite.letter"
    _description = "Contact with the citizen"
    _order = "date desc, id desc"
    _rec_name = "title"

    request_id = fields.Many2one(
        "collectivite.request", required=True, index=True, ondelete="cascade", readonly=True
    )
    household_id = fields.Many2one(related="request_id.household_id", store=True, index=True)
    requester_id = fields.Many2one(related="request_id.requester_id", store=True, index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    template_id = fields.Many2one("collectivite.letter.template", readonly=True, index=True)
    batch_id = fields.Many2one(
        "collectivite.letter.batch", readonly=True, index=True, ondelete="set null"
    )
    means = fields.Selection(MEANS, required=True, readonly=True)
    is_letter = fields.Boolean(compute="_compute_is_letter", store=True, index=True)
    title = fields.Char(readonly=True)
    body_html = fields.Html("Letter", readonly=True, sanitize="email_outgoing")
    content = fields.Text(
        "Text", readonly=True, help="The observation, the SMS or the summary of the call."
    )
    internal_note = fields.Text(readonly=True, groups="collectivite_base.collectivite_group_agent")
    recipient = fields.Char(readonly=True, help="E-mail address or mobile number used.")
    author_id = fields.Many2one("res.users", readonly=True, index=True)
    date = fields.Datetime(readonly=True, index=True)
    attachment_id = fields.Many2one("ir.attachment", "PDF", readonly=True)
    message_id = fields.Many2one("mail.message", readonly=True)

    _sql_constraints = [
        (
            "batch_request_uniq",
            "unique(batch_id, request_id)",
            "A mass sending sends one letter per request.",
        ),
    ]

    @api.depends("means")
    def _compute_is_letter(self):
        for letter in self:
            letter.is_letter = letter.means in LETTER_MEANS

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not is_marked(WRITING_MARK):
            raise UserError(self.env._("Contacts are recorded by the Contact the citizen wizard."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and not is_marked(WRITING_MARK):
            raise UserError(self.env._("A contact with the citizen cannot be changed."))
        return super().write(vals)

    # ------------------------------------------------------------ checks
    @api.model
    def _recipient_email(self, request):
        """The household's e-mail address (the requester's without household)."""
        return (
            request.household_id.email if request.household_id else request.requester_id.email
        ) or ""

    @api.model
    def _recipient_mobile(self, request):
        household = request.household_id
        return (household.mobile if household else False) or request.requester_id.mobile or ""

    @api.model
    def _means_blockers(self, requests, means):
        """French sentences saying why ``requests`` cannot be contacted by ``means``."""
        blockers = []
        if means == "email":
            for request in requests.filtered(lambda r: not self._recipient_email(r)):
                blockers.append(
                    self.env._(
                        "Request %(request)s: the household has no e-mail address.",
                        request=request.name,
                    )
                )
        elif means == "sms":
            for request in requests.filtered(lambda r: not self._recipient_mobile(r)):
                blockers.append(
                    self.env._(
                        "Request %(request)s: the household has no mobile number.",
                        request=request.name,
                    )
                )
        for request in requests.filtered(lambda r: not r.requester_id):
            blockers.append(
                self.env._(
                    "Request %(request)s has no requester to write to.", request=request.name
                )
            )
        return blockers

    # --------------------------------------------------------- sending
    @api.model
    def _send(self, requests, means, template=None, text=None, internal_note=None, batch=None):
        """Contact each request's citizen by ``means``, as the current user:
        render the letters, their PDFs in one wkhtmltopdf run, the history and
        the e-mails or SMS. All or nothing: a refusal raises before anything
        is written; an error rolls the whole call back.

        :return: the letters written
        """
        requests.check_access("write")
        blockers = self._means_blockers(requests, means)
        if means in LETTER_MEANS and not template:
            blockers.append(self.env._("Choose a letter template."))
        if means in ("sms", "phone") and not (text or "").strip():
            blockers.append(
                self.env._("Write the SMS.")
                if means == "sms"
                else self.env._("Write the summary of the call.")
            )
        if blockers:
            raise UserError("\n".join(blockers))
        now = fields.Datetime.now()
        default_title = {
            "sms": self.env._("SMS to the citizen"),
            "phone": self.env._("Phone call with the citizen"),
        }.get(means)
        rendered = template._render_letter(requests, text) if template else {}
        vals_list = []
        for request in requests:
            title, body = rendered.get(request.id, ("", False))
            vals_list.append(
                {
                    "request_id": request.id,
                    "template_id": template.id if template else False,
                    "batch_id": batch.id if batch else False,
                    "means": means,
                    "title": title or (template.name if template else default_title),
                    "body_html": body,
                    "content": text or False,
                    "internal_note": internal_note or False,
                    "recipient": self._recipient_email(request)
                    if means == "email"
                    else self._recipient_mobile(request)
                    if means == "sms"
                    else False,
                    "author_id": self.env.user.id,
                    "date": now,
                }
            )
        with server_marks(WRITING_MARK):
            letters = self.sudo().create(vals_list)  # sudo: written after the checks above
            if means in LETTER_MEANS:
                letters._render_pdfs()
            letters._post_history()
        return letters.sudo(False)

    def _render_pdfs(self):
        """Render the letters' PDFs in one wkhtmltopdf run, split per letter,
        stored as attachments of their requests."""
        if not self:
            return
        raws = self._split_pdf(self._render_batch_pdf())
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": letter._pdf_name(),
                    "raw": raws[letter.id],
                    "mimetype": "application/pdf",
                    "res_model": "collectivite.request",
                    "res_id": letter.request_id.id,
                }
                for letter in self
            ]
        )
        for letter, attachment in zip(self, attachments, strict=True):
            letter.attachment_id = attachment

    def _render_batch_pdf(self):
        """The PDF of all the letters, one wkhtmltopdf run (the steps of Odoo's
        ``_render_qweb_pdf_prepare_streams``, without its split: see ``_split_pdf``)."""
        report = self.env.ref("courrier_templates.collectivite_letter_report")
        # Odoo renders its PDFs out of debug mode (one asset bundle).
        reports = self.env["ir.actions.report"].with_context(debug=False)
        html = reports._render_qweb_html(
            report, self.ids, data={"report_type": "pdf", "debug": False}
        )[0]
        bodies, _html_ids, header, footer, paperformat_args = report.with_context(
            debug=False
        )._prepare_html(html, report_model=report.model)
        return reports._run_wkhtmltopdf(
            bodies,
            report_ref=report,
            header=header,
            footer=footer,
            specific_paperformat_args=paperformat_args,
        )

    def _split_pdf(self, raw):
        """``{letter id: PDF}`` of a batch's PDF, each letter from the page of
        its marker to the page before the next one."""
        pdfs = split_letters(raw)
        if [letter_id for letter_id, _pdf in pdfs] != self.ids:
            raise UserError(self.env._("The letters could not be split into one PDF each."))
        return dict(pdfs)

    def _pdf_name(self):
        self.ensure_one()
        return "%s - %s.pdf" % (self.request_id.name, self.title or self.template_id.name or "")

    def _post_history(self):
        """The contacts in their requests' history (one batch of messages),
        the e-mails queued, the SMS handed to Odoo's SMS stack."""
        subtype_letter = self.env.ref("courrier_templates.mail_subtype_letter")
        subtype_note = self.env.ref("mail.mt_note")
        means_labels = dict(self._fields["means"]._description_selection(self.env))
        author = self.env.user.partner_id
        sms_letters = self.filtered(lambda letter: letter.means == "sms")
        message_vals = []
        posted = self - sms_letters
        # The reply-to and record name of every message at once (mail.message computes
        # them message by message otherwise: two queries each).
        requests = posted.request_id
        reply_to = requests._notify_get_reply_to(default=author.email_formatted)
        names = {request.id: request.display_name for request in requests}
        for letter in posted:
            # the means and the template, then the letter itself
            header = Markup("<p><strong>%s</strong>%s</p>") % (
                means_labels[letter.means],
                Markup(" (%s)") % letter.template_id.name if letter.template_id else "",
            )
            if letter.means == "phone":
                body = header + Markup("<p>%s</p>") % letter.content
            else:
                body = header + (letter.body_html or Markup())
            message_vals.append(
                {
                    "model": "collectivite.request",
                    "res_id": letter.request_id.id,
                    "message_type": "comment",
                    "subtype_id": (subtype_note if letter.means == "phone" else subtype_letter).id,
                    "subject": letter.title or False,
                    "body": body,
                    "author_id": author.id,
                    "email_from": author.email_formatted or False,
                    "reply_to": reply_to.get(letter.request_id.id) or False,
                    "record_name": names[letter.request_id.id],
                    "attachment_ids": [Command.link(letter.attachment_id.id)]
                    if letter.attachment_id
                    else [],
                }
            )
        # sudo: history of requests the user may write, written after the checks
        messages = self.env["mail.message"].sudo().create(message_vals)
        notes = []
        for letter, message in zip(posted, messages, strict=True):
            letter.message_id = message
            if letter.internal_note:
                notes.append(
                    {
                        "model": "collectivite.request",
                        "res_id": letter.request_id.id,
                        "message_type": "comment",
                        "subtype_id": subtype_note.id,
                        "body": Markup("<p>%s</p>") % letter.internal_note,
                        "author_id": author.id,
                    }
                )
        emails = posted.filtered(lambda letter: letter.means == "email")
        if emails:
            company = emails.company_id[:1] or self.env.company
            email_from = company.email_formatted or author.email_formatted
            # sudo: mails of the letters just recorded
            self.env["mail.mail"].sudo().create(
                [
                    {
                        "mail_message_id": letter.message_id.id,
                        "email_to": letter.recipient,
                        "email_from": email_from,
                        "subject": letter.title,
                        "body_html": letter.body_html,
                        "auto_delete": False,
                    }
                    for letter in emails
                ]
            )
        for letter in sms_letters:
            letter._send_sms()
            if letter.internal_note:
                notes.append(
                    {
                        "model": "collectivite.request",
                        "res_id": letter.request_id.id,
                        "message_type": "comment",
                        "subtype_id": subtype_note.id,
                        "body": Markup("<p>%s</p>") % letter.internal_note,
                        "author_id": author.id,
                    }
                )
        if notes:
            self.env["mail.message"].sudo().create(notes)  # sudo: notes of the letters above

    def _send_sms(self):
        """The SMS through Odoo's SMS stack, queued (Odoo's SMS queue sends it);
        captured instead when the platform says so (demo data)."""
        self.ensure_one()
        request = self.request_id.sudo()  # sudo: the SMS of a checked contact
        message = request._message_sms(
            escape(self.content),
            partner_ids=False,
            sms_numbers=[self.recipient],
            author_id=self.env.user.partner_id.id,
            put_in_queue=True,
        )
        self.message_id = message
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform setting
        if params.get_param(SMS_CAPTURE_PARAM, "False") not in ("False", "0", ""):
            sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
            sms.write({"state": "canceled", "failure_type": False})
