from odoo import models
from odoo.tools import is_html_empty

# What ``mail.template.send_mail_batch`` renders for a mail.
MAIL_FIELDS = (
    "attachment_ids",
    "auto_delete",
    "body_html",
    "email_cc",
    "email_from",
    "email_to",
    "mail_server_id",
    "model",
    "partner_to",
    "reply_to",
    "report_template_ids",
    "res_id",
    "scheduled_date",
    "subject",
)


class MailTemplate(models.Model):
    """Mails of a template rendered once: the citizen's mails keep the same text
    in the request's history, and Odoo compiles an inline QWeb body again at
    each rendering (about 25 ms for the accusé de réception)."""

    _inherit = "mail.template"

    def _collectivite_render(self, res_ids):
        """``{res_id: values}`` of the mails of ``res_ids``, as ``send_mail_batch``
        renders them (each record in its recipient's language)."""
        self.ensure_one()
        self._send_check_access(res_ids)
        return self._generate_template(res_ids, MAIL_FIELDS)

    def _collectivite_send_rendered(self, rendered, email_layout_xmlid=False):
        """Queue the mails of ``rendered`` (``_collectivite_render``) in the
        layout ``email_layout_xmlid``: the mails ``send_mail_batch`` creates, from
        values already rendered."""
        self.ensure_one()
        layout = email_layout_xmlid or self.email_layout_xmlid
        res_ids = list(rendered)
        records = self.env[self.model].browse(res_ids)
        langs = self._render_lang(res_ids) if layout and self.lang else {}
        companies = records._mail_get_companies(default=self.env.company) if layout else {}
        record_ir_model = self.env["ir.model"]._get(self.model)
        values_list = []
        attachments_list = []
        for record in records:
            values = dict(rendered[record.id])
            values["recipient_ids"] = [(4, pid) for pid in (values.get("partner_ids") or [])]
            values["attachment_ids"] = [(4, aid) for aid in (values.get("attachment_ids") or [])]
            attachments_list.append(values.pop("attachments", []))
            if "email_from" in values and not values.get("email_from"):
                values.pop("email_from")
            values_list.append(values)
            if not layout:
                values["body"] = values["body_html"]
                continue
            lang = langs.get(record.id) or False
            model_lang = record_ir_model.with_context(lang=lang) if lang else record_ir_model
            layout_values = {
                "message": self.env["mail.message"]
                .sudo()  # sudo: an unsaved message holding the body for the layout
                .new({"body": values["body_html"], "record_name": record.display_name}),
                "subtype": self.env["mail.message.subtype"].sudo(),  # sudo: an empty record
                "model_description": model_lang.display_name,
                "record": record,
                "record_name": False,
                "subtitles": False,
                "company": companies.get(record.id) or self.env.company,
                "email_add_signature": False,
                "signature": "",
                "website_url": "",
                "is_html_empty": is_html_empty,
            }
            body = model_lang.env["ir.qweb"]._render(
                layout, layout_values, minimal_qcontext=True, raise_if_not_found=False
            )
            values["body_html"] = self.env["mail.render.mixin"]._replace_local_links(
                body or values["body_html"]
            )
            values["body"] = values["body_html"]
        # sudo: mails of the template's own recipients, as send_mail_batch creates them
        mails = self.env["mail.mail"].sudo().create(values_list)
        for mail, attachments in zip(mails, attachments_list, strict=True):
            if attachments:
                mail.with_context(default_type=None).write(
                    {
                        "attachment_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": name,
                                    "datas": datas,
                                    "type": "binary",
                                    "res_model": "mail.message",
                                    "res_id": mail.mail_message_id.id,
                                },
                            )
                            for name, datas in attachments
                        ]
                    }
                )
        return mails
