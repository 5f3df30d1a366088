import logging
from functools import reduce

from lxml import html as lxml_html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import is_html_empty
from odoo.tools.rendering_tools import parse_inline_template

from .collectivite_request import OBSERVATION_KEY

_logger = logging.getLogger(__name__)

REQUEST_MODEL = "collectivite.request"


class CollectiviteLetterTemplate(models.Model):
    """A letter template ("courrier type"): a title and a body with Odoo's
    dynamic placeholders on a request, laid out on the collectivité's
    letterhead. Rendering is unrestricted (as ``mail.template``), so saving
    anything beyond plain placeholders needs the template-editor right."""

    _name = "collectivite.letter.template"
    _description = "Letter template"
    _inherit = ["mail.render.mixin"]
    _order = "sequence, name, id"
    _unrestricted_rendering = True
    _check_company_auto = True

    name = fields.Char("Label", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    title = fields.Char(translate=True, help="Subject of the letter and of the e-mail.")
    layout = fields.Selection(
        [("letter", "Standard letter"), ("attestation", "Attestation")],
        required=True,
        default="letter",
    )
    body_html = fields.Html(
        "Body",
        render_engine="qweb",
        translate=True,
        sanitize="email_outgoing",
        prefetch=True,
    )
    is_observation_required = fields.Boolean(
        "Observation required",
        help="The agent must write the observation (e.g. the reasons of a refusal); "
        "otherwise an empty observation is left out silently.",
    )
    company_id = fields.Many2one(
        "res.company", "Collectivité", index=True, default=lambda self: self.env.company
    )
    teleservice_ids = fields.Many2many(
        "collectivite.teleservice",
        string="Téléservices",
        check_company=True,
        help="The téléservices whose requests this template serves; empty: all of them.",
    )
    sample_request_id = fields.Many2one(
        REQUEST_MODEL,
        string="Sample request",
        help="The request on which the preview renders (default: the latest request served).",
    )
    preview_html = fields.Html(
        "Preview", compute="_compute_preview_html", sanitize=False, readonly=True
    )

    @api.depends("body_html", "title")
    def _compute_render_model(self):
        self.render_model = REQUEST_MODEL

    # ------------------------------------------------------------- checks
    @api.constrains("body_html", "title", "name", "sample_request_id")
    def _check_renders(self):
        """A template is saved only when it renders on a sample request. The
        template-editor check comes first: code is never run for someone who
        may not write it."""
        self._check_access_right_dynamic_template()
        for template in self:
            if is_html_empty(template.body_html):
                raise ValidationError(
                    self.env._("The letter template %(name)s needs a body.", name=template.name)
                )
            sample = template._sample_request()
            if not sample:
                continue
            try:
                template._render_letter(sample)
            except AccessError:
                raise
            except Exception as error:  # pylint: disable=broad-except
                _logger.info("Letter template %s does not render", template.id, exc_info=True)
                raise ValidationError(
                    self.env._(
                        "The letter template %(name)s does not render on request "
                        "%(request)s: %(reason)s",
                        name=template.name,
                        request=sample.name,
                        reason=str(error).split("\n\n", 1)[-1].strip()[:500],
                    )
                ) from error

    def _sample_request(self):
        """The request the preview and the save check render on."""
        self.ensure_one()
        if self.sample_request_id:
            return self.sample_request_id
        domain = [("company_id", "in", (self.company_id or self.env.company).ids)]
        if self.teleservice_ids:
            domain.append(("teleservice_id", "in", self.teleservice_ids.ids))
        return self.env[REQUEST_MODEL].search(domain, limit=1, order="id desc")

    # ------------------------------------------------------------ rendering
    def _render_letter(self, requests, observation=None):
        """``{request id: (title, body)}`` of this template rendered on
        ``requests``, with the agent's ``observation``."""
        self.ensure_one()
        template = self.with_context(**{OBSERVATION_KEY: observation or False})
        bodies = template._render_field("body_html", requests.ids)
        titles = template._render_field("title", requests.ids) if self.title else {}
        # The renderer escapes every value: its output is safe HTML.
        return {
            request.id: (titles.get(request.id) or "", Markup(bodies.get(request.id) or ""))  # noqa: S704
            for request in requests
        }

    def _placeholders(self):
        """``[(expression, default)]`` of the plain placeholders of the title and body."""
        self.ensure_one()
        found = []
        if self.title:
            found += [(expr, default) for _text, expr, default in parse_inline_template(self.title)]
        if not is_html_empty(self.body_html):
            root = lxml_html.fragment_fromstring(str(self.body_html), create_parent="div")
            for node in root.iter():
                expression = node.get("t-out") or node.get("t-esc")
                if expression:
                    found.append((expression.strip(), (node.text_content() or "").strip()))
        return [(expr, default) for expr, default in found if expr]

    def _placeholder_label(self, expression):
        """The label of a placeholder, e.g. "Requester > First name"."""
        model = self.env[REQUEST_MODEL]
        labels = []
        for name in expression.split(".")[1:]:
            field = model._fields.get(name)
            if field is None:
                return expression
            labels.append(field._description_string(self.env))
            if field.relational:
                model = self.env[field.comodel_name]
        return " > ".join(labels)

    def _empty_placeholders(self, requests, observation=None):
        """``{request id: [labels]}`` of the placeholders without default that
        are empty for each request (only those with some)."""
        self.ensure_one()
        optional = () if self.is_observation_required else (f"object.{OBSERVATION_KEY}",)
        checked = [
            expr
            for expr, default in self._placeholders()
            if not default and expr.startswith("object.") and expr not in optional
        ]
        result = {}
        if not checked:
            return result
        records = requests.with_context(**{OBSERVATION_KEY: observation or False})
        for request in records:
            empty = []
            for expression in checked:
                try:
                    value = reduce(lambda rec, name: rec[name], expression.split(".")[1:], request)
                except (KeyError, AttributeError, ValueError):
                    continue
                if not value:
                    label = self._placeholder_label(expression)
                    if label not in empty:
                        empty.append(label)
            if empty:
                result[request.id] = empty
        return result

    @api.depends_context("lang")
    @api.depends("body_html", "title", "layout", "sample_request_id", "teleservice_ids")
    def _compute_preview_html(self):
        for template in self:
            template.preview_html = False
            if is_html_empty(template.body_html):
                continue
            sample = template._sample_request()
            if not sample:
                continue
            try:
                # Code is only run for those who may write it, even unsaved.
                template._check_access_right_dynamic_template()
                title, body = template._render_letter(sample)[sample.id]
                missing = template._empty_placeholders(sample).get(sample.id, [])
            except Exception as error:  # pylint: disable=broad-except
                _logger.info("Preview of letter template %s failed", template.id, exc_info=True)
                template.preview_html = (
                    Markup('<div class="alert alert-danger" role="alert">%s</div>')
                    % str(error).split("\n\n", 1)[-1].strip()[:500]
                )
                continue
            template.preview_html = self.env["ir.qweb"]._render(
                "courrier_templates.letter_preview_html",
                {"title": title, "body": body, "letter_request": sample, "missing": missing},
            )

    def _served_domain(self, teleservice):
        """Templates a request of ``teleservice`` may use."""
        return [
            "|",
            ("teleservice_ids", "=", False),
            ("teleservice_ids", "in", teleservice.ids),
        ]

    # ------------------------------------------------------------- actions
    def action_preview_pdf(self):
        self.ensure_one()
        if not self._sample_request():
            raise ValidationError(self.env._("There is no request to preview this template on."))
        return self.env.ref("courrier_templates.collectivite_letter_template_report").report_action(
            self
        )
