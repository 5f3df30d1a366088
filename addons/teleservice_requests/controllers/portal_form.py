import math

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Command
from odoo.http import request

from odoo.addons.household_accounts.form_values import displayable, parse_id, text_problem
from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.collectivite_request_value_school import PLACE_TYPES

# Longest texts accepted by a form: a line, a long text or an address.
MAX_LINE = 200
MAX_TEXT = 4000
LONG_TYPES = ("text", "address")


def field_name(field):
    """The name (and id) of a form field's input: never the manager's key."""
    return f"field_{field.id}"


class TeleserviceFormPortal(CustomerPortal):
    """The form of a téléservice, step by step: one step per section of its
    fields, then the justificatifs, then the summary before sending.

    Every step is validated on the server: a message next to each wrong field,
    a summary of the errors at the top, the input kept; a valid step saves the
    draft. A field hidden by its condition is ignored, even if posted.
    """

    # ------------------------------------------------------------- access
    def _draft(self, draft_id, access_token=None):
        """The current visitor's draft (a superuser record), or 404."""
        Request = request.env["collectivite.request"]
        try:
            if request.env.user._is_public():
                return Request._portal_check_token_draft(draft_id, access_token)
            return Request.browse(draft_id)._portal_check_draft(request.env.user.partner_id)
        except (AccessError, MissingError):
            raise NotFound() from None

    def _url(self, draft, suffix=""):
        url = f"/demarches/brouillon/{draft.id}{suffix}"
        if request.env.user._is_public():
            url += f"?access_token={draft.access_token}"
        return url

    # -------------------------------------------------------------- steps
    def _steps(self, draft, answers=None):
        """``[(index, title, visible fields)]`` of the steps shown for the
        draft's answers (a step none of whose fields is shown is skipped)."""
        fields_ = draft.teleservice_id.field_ids
        visible = fields_._visible_fields(
            draft.value_ids._answers() if answers is None else answers
        )
        steps = []
        for index, (title, step_fields) in enumerate(draft.teleservice_id._portal_steps()):
            shown = step_fields & visible
            if shown:
                steps.append((index, title, shown))
        return steps

    def _navigation(self, draft, steps):
        """Titles of every page of the form, for the progress indicator."""
        pages = [(self._url(draft, f"/etape/{index}"), title) for index, title, _f in steps]
        if draft.teleservice_id.justificatif_type_ids:
            pages.append((self._url(draft, "/justificatifs"), request.env._("Justificatifs")))
        pages.append((self._url(draft, "/recapitulatif"), request.env._("Summary")))
        return pages

    def _next_url(self, draft, after_index):
        for index, _title, _fields in self._steps(draft):
            if index > after_index:
                return self._url(draft, f"/etape/{index}")
        if draft.teleservice_id.justificatif_type_ids:
            return self._url(draft, "/justificatifs")
        return self._url(draft, "/recapitulatif")

    @http.route(
        "/demarches/brouillon/<int:draft_id>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_draft(self, draft_id, access_token=None, **kw):
        draft = self._draft(draft_id, access_token)
        return request.redirect(self._next_url(draft, -1))

    # ------------------------------------------------------ field values
    @staticmethod
    def _shown_value(line):
        """The value of a saved line as its input shows it."""
        field_type = line.field_id.field_type
        if field_type == "boolean":
            return "yes" if line.value_boolean else "no"
        if field_type == "number":
            return f"{line.value_number:g}" if line.value_number else ""
        if field_type == "date":
            return fields.Date.to_string(line.value_date) if line.value_date else ""
        if field_type == "choice":
            return line.value_choice_id.key or ""
        if field_type == "multi_choice":
            return set(line.value_choice_ids.mapped("key"))
        if field_type == "member":
            return str(line.value_partner_id.id or "")
        if field_type in PLACE_TYPES:
            return str(line.value_school_id.id or "")
        if field_type == "file":
            return line.value_attachment_id.name or ""
        return line.value_char or line.value_text or ""

    def _posted(self, field):
        """What the browser posted for ``field``: a text, a list (multiple
        choice) or the uploaded files (file)."""
        name = field_name(field)
        if field.field_type == "multi_choice":
            return request.httprequest.form.getlist(name)
        if field.field_type == "file":
            return [f for f in request.httprequest.files.getlist(name) if f.filename]
        return request.httprequest.form.get(name, "")

    def _convert(self, line, raw):
        """``(values, error)`` of one posted value."""
        field = line.field_id
        field_type = field.field_type
        env = request.env
        if field_type == "file":
            return None, None  # stored once the step is valid
        texts = raw if isinstance(raw, list) else [raw]
        for text in texts:
            problem = text_problem(text, MAX_TEXT if field_type in LONG_TYPES else MAX_LINE)
            if problem == "control":
                return None, env._("This field contains characters that are not allowed.")
            if problem == "length":
                return None, env._(
                    "This text is too long (%(max)s characters at most).",
                    max=MAX_TEXT if field_type in LONG_TYPES else MAX_LINE,
                )
            if problem:
                return None, env._("This value cannot be read.")
        raw = [t.strip() for t in raw] if isinstance(raw, list) else raw.strip()
        if field_type == "boolean" and raw not in ("yes", "no", ""):
            return None, env._("Answer yes or no.")
        if field_type == "boolean":
            raw = raw == "yes"
        try:
            values = line._convert_raw(raw)
        except (ValidationError, ValueError) as error:
            if isinstance(error, ValidationError):
                return None, error.args[0]
            return None, env._("This value cannot be read.")
        number = values.get("value_number")
        if number is not None and number is not False and not math.isfinite(number):
            return None, env._("Enter a number.")
        return values, None

    @staticmethod
    def _answer_of(field, values, previous):
        if field.field_type == "boolean":
            return bool(values.get("value_boolean"))
        if field.field_type == "choice":
            return {values["value_choice_id"]} if values.get("value_choice_id") else set()
        if field.field_type == "multi_choice":
            commands = values.get("value_choice_ids") or []
            return set(commands[0][2]) if commands and commands[0][0] == Command.SET else set()
        return previous

    # --------------------------------------------------------------- a step
    @http.route(
        "/demarches/brouillon/<int:draft_id>/etape/<int:step>",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_draft_step(self, draft_id, step, access_token=None, **kw):
        draft = self._draft(draft_id, access_token)
        all_steps = draft.teleservice_id._portal_steps()
        if step >= len(all_steps):
            raise NotFound()
        title, step_fields = all_steps[step]
        lines = {line.field_id: line for line in draft.value_ids}
        answers = draft.value_ids._answers()
        shown = {field_name(f): self._shown_value(lines[f]) for f in step_fields if f in lines}
        errors = {}
        if request.httprequest.method == "POST":
            converted = {}
            posted = {}
            for field in step_fields:
                if (
                    field not in lines
                    or field.field_type == "member"
                    and self._is_subject_field(draft, field)
                ):
                    continue
                raw = self._posted(field)
                posted[field] = raw
                values, error = self._convert(lines[field], raw)
                converted[field] = values
                if error:
                    errors[field] = error
                else:
                    answers[field.id] = self._answer_of(field, values or {}, answers.get(field.id))
            visible = draft.teleservice_id.field_ids._visible_fields(answers)
            # A hidden field is ignored, even if posted (its value is cleared).
            errors = {f: e for f, e in errors.items() if f in visible}
            for field in posted:
                if field not in visible or field in errors or not field.required:
                    continue
                if field.field_type == "file":
                    if not posted[field] and not lines[field].value_attachment_id:
                        errors[field] = request.env._("This field is required.")
                elif not converted[field] or not any(
                    v for v in converted[field].values() if v != [Command.clear()]
                ):
                    if field.field_type != "boolean":
                        errors[field] = request.env._("This field is required.")
            if not errors:
                error = self._save_step(draft, lines, posted, converted, visible, errors)
                if not error:
                    return request.redirect(self._next_url(draft, step))
            shown.update(
                {
                    field_name(f): (
                        {displayable(v) for v in raw}
                        if isinstance(raw, list) and f.field_type == "multi_choice"
                        else shown.get(field_name(f))
                        if f.field_type == "file"
                        else displayable(raw)
                    )
                    for f, raw in posted.items()
                }
            )
        steps = self._steps(draft, answers)
        visible = draft.teleservice_id.field_ids._visible_fields(answers)
        return self._render_step(draft, step, title, step_fields, visible, shown, errors, steps)

    def _save_step(self, draft, lines, posted, converted, visible, errors):
        """Write the step's values on the draft (hidden ones cleared); a refused
        file leaves nothing stored. Returns whether something was refused."""
        commands = []
        try:
            with request.env.cr.savepoint():
                for field, raw in posted.items():
                    line = lines[field]
                    if field not in visible:
                        commands.append(Command.update(line.id, line._convert_raw(None)))
                    elif field.field_type == "file":
                        if raw:
                            page = request.env["collectivite.justificatif"]._portal_pages(
                                [(raw[0].filename, raw[0].read())]
                            )
                            commands.append(
                                Command.update(line.id, {"value_attachment_id": page.id})
                            )
                    else:
                        commands.append(Command.update(line.id, converted[field]))
                draft.write({"value_ids": commands})
        except ValidationError as error:
            file_fields = [f for f in posted if f.field_type == "file" and posted[f]]
            errors[file_fields[0] if file_fields else next(iter(posted))] = error.args[0]
            return True
        return False

    @staticmethod
    def _is_subject_field(draft, field):
        """The first member field is the person concerned, chosen at the start."""
        members = draft.teleservice_id.field_ids.filtered(lambda f: f.field_type == "member")
        return field == members[:1] and bool(draft.subject_id)

    def _choices(self, draft, field):
        """``[(value, label)]`` offered by a choice, member or place field."""
        if field.field_type in ("choice", "multi_choice"):
            return [(v.key, v.display_name) for v in field.parameter_list_id.value_ids]
        if field.field_type == "member":
            household = draft.household_id
            members = household.member_ids if household else draft.requester_id
            return [(str(m.id), m.name) for m in members.sorted("name")]
        if field.field_type in PLACE_TYPES:
            places = request.env["collectivite.request.value"]._places(
                field.field_type, draft.company_id
            )
            return [(str(p.id), p.name) for p in places]
        return []

    def _render_step(self, draft, step, title, step_fields, visible, shown, errors, steps):
        pages = self._navigation(draft, steps)
        current = next((i for i, (index, _t, _f) in enumerate(steps) if index == step), 0)
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="teleservice_form",
            draft=draft,
            teleservice=draft.teleservice_id,
            step=step,
            step_title=title or draft.teleservice_id.name,
            fields=step_fields,
            visible=visible,
            shown=shown,
            errors={field_name(f): e for f, e in errors.items()},
            error_labels=[(field_name(f), f.name, e) for f, e in errors.items()],
            field_name=field_name,
            choices={field_name(f): self._choices(draft, f) for f in step_fields},
            subject_fields={f for f in step_fields if self._is_subject_field(draft, f)},
            pages=pages,
            current=current,
            action=self._url(draft, f"/etape/{step}"),
            back_url=pages[current - 1][0] if current else None,
        )
        return request.render(
            "teleservice_requests.portal_form_step", values, status=400 if errors else 200
        )

    # ------------------------------------------------------------ summary
    @http.route(
        "/demarches/brouillon/<int:draft_id>/recapitulatif",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_draft_summary(self, draft_id, access_token=None, **kw):
        draft = self._draft(draft_id, access_token)
        return self._render_summary(draft)

    def _render_summary(self, draft, error=None):
        steps = self._steps(draft)
        lines = {line.field_id: line for line in draft.value_ids}
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="teleservice_form",
            draft=draft,
            teleservice=draft.teleservice_id,
            sections=[
                (
                    self._url(draft, f"/etape/{index}"),
                    title,
                    [lines[f] for f in shown if f in lines],
                )
                for index, title, shown in steps
            ],
            justificatifs=draft.justificatif_ids,
            missing_types=self._missing_types(draft),
            justificatifs_url=self._url(draft, "/justificatifs"),
            pages=self._navigation(draft, steps),
            current=len(self._navigation(draft, steps)) - 1,
            action=self._url(draft, "/envoyer"),
            error=error,
        )
        return request.render(
            "teleservice_requests.portal_form_summary", values, status=400 if error else 200
        )

    @staticmethod
    def _missing_types(draft):
        return draft.teleservice_id.justificatif_type_ids - draft.justificatif_ids.type_id

    @http.route(
        "/demarches/brouillon/<int:draft_id>/envoyer",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_draft_submit(self, draft_id, access_token=None, **kw):
        draft = self._draft(draft_id, access_token)
        missing = self._missing_types(draft)
        if missing:
            return self._render_summary(
                draft,
                request.env._(
                    "Add the missing justificatifs: %(types)s.",
                    types=", ".join(missing.mapped("name")),
                ),
            )
        try:
            with request.env.cr.savepoint():
                # Values of fields hidden by their conditions are not sent.
                hidden = draft.value_ids - draft.value_ids._shown()
                if hidden:
                    draft.write(
                        {
                            "value_ids": [
                                Command.update(line.id, line._convert_raw(None)) for line in hidden
                            ]
                        }
                    )
                draft.action_submit()
        except UserError as error:
            return self._render_summary(draft, error.args[0])
        return self._after_submit(draft)

    def _after_submit(self, draft):
        """Where the citizen lands once their request is sent."""
        return request.redirect(self._url(draft, "/envoyee").replace("/brouillon/", "/demande/"))

    @http.route(
        "/demarches/demande/<int:request_id>/envoyee",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_request_sent(self, request_id, access_token=None, **kw):
        Request = request.env["collectivite.request"]
        try:
            if request.env.user._is_public():
                sent = Request._portal_check_token(request_id, access_token)
            elif not parse_id(request_id):  # beyond PostgreSQL's integer: no request
                raise NotFound()
            else:
                sent = Request.search(
                    [("id", "=", request_id), ("state", "!=", "draft")]
                    + Request._portal_owner_domain(request.env.user.partner_id)
                )
        except (AccessError, MissingError):
            raise NotFound() from None
        if not sent:
            raise NotFound()
        values = dict(
            self._prepare_portal_layout_values(),
            page_name="teleservice_sent",
            sent=sent,
            is_public=request.env.user._is_public(),
        )
        return request.render("teleservice_requests.portal_request_sent", values)
