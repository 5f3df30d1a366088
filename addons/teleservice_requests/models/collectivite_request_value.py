from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools.misc import format_date

VALUE_FIELDS = {
    "char": "value_char",
    "text": "value_text",
    "address": "value_text",
    "number": "value_number",
    "date": "value_date",
    "boolean": "value_boolean",
    "choice": "value_choice_id",
    "multi_choice": "value_choice_ids",
    "member": "value_partner_id",
    "file": "value_attachment_id",
}


class CollectiviteRequestValue(models.Model):
    """The value of one form field on one request, typed by its definition."""

    _name = "collectivite.request.value"
    _description = "Form value of a request"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one(
        "collectivite.request", required=True, index=True, ondelete="cascade"
    )
    field_id = fields.Many2one(
        "collectivite.form.field",
        string="Form field",
        required=True,
        index=True,
        ondelete="restrict",
    )
    sequence = fields.Integer(related="field_id.sequence", store=True)
    section = fields.Char(related="field_id.section")
    name = fields.Char(related="field_id.name", string="Field")
    field_type = fields.Selection(related="field_id.field_type")
    required = fields.Boolean(related="field_id.required")
    help_text = fields.Char(related="field_id.help_text", string="Help")
    parameter_list_id = fields.Many2one(related="field_id.parameter_list_id")
    display_mode = fields.Selection(related="field_id.parameter_list_id.display_mode")
    value_char = fields.Char()
    value_text = fields.Text()
    value_number = fields.Float()
    value_date = fields.Date()
    value_boolean = fields.Boolean()
    value_choice_id = fields.Many2one(
        "collectivite.parameter.value",
        string="Choice",
        domain="[('list_id', '=', parameter_list_id)]",
        ondelete="restrict",
    )
    value_choice_ids = fields.Many2many(
        "collectivite.parameter.value",
        "collectivite_request_value_choice_rel",
        "value_id",
        "choice_id",
        string="Choices",
        domain="[('list_id', '=', parameter_list_id)]",
    )
    value_partner_id = fields.Many2one("res.partner")
    value_attachment_id = fields.Many2one("ir.attachment", ondelete="set null")
    display_value = fields.Char(compute="_compute_display_value", string="Value")
    is_set = fields.Boolean(compute="_compute_display_value")

    _sql_constraints = [
        (
            "request_field_uniq",
            "unique(request_id, field_id)",
            "A request has one value per form field.",
        ),
    ]

    @api.depends_context("lang")
    @api.depends(
        "field_id.field_type",
        "value_char",
        "value_text",
        "value_number",
        "value_date",
        "value_boolean",
        "value_choice_id",
        "value_choice_ids",
        "value_partner_id",
        "value_attachment_id",
    )
    def _compute_display_value(self):
        yes, no = self.env._("Yes"), self.env._("No")
        for line in self:
            field_type = line.field_id.field_type
            value = line[VALUE_FIELDS[field_type]] if field_type else False
            if field_type == "boolean":
                line.display_value = yes if value else no
                line.is_set = True
                continue
            if field_type == "number":
                # Zero counts as "not filled in" for a required number.
                line.is_set = bool(value)
                line.display_value = f"{value:g}" if value else ""
                continue
            line.is_set = bool(value)
            if isinstance(value, models.BaseModel):
                line.display_value = ", ".join(value.mapped("display_name"))
            elif field_type == "date" and value:
                line.display_value = format_date(self.env, value)
            else:
                line.display_value = value or ""

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._bind_attachments()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if "value_attachment_id" in vals:
            self._bind_attachments()
        return result

    def _bind_attachments(self):
        """A file field stores its own attachment, uploaded for its request: the
        request owns it (its rights, its anonymisation); another record's file
        is refused."""
        for line in self.filtered("value_attachment_id"):
            line.value_attachment_id._collectivite_bind(line.request_id)

    @api.constrains("field_id", "request_id")
    def _check_field_teleservice(self):
        for line in self:
            if line.field_id.teleservice_id != line.request_id.teleservice_id:
                raise ValidationError(
                    self.env._(
                        "The field “%(label)s” does not belong to the form of %(teleservice)s.",
                        label=line.field_id.name,
                        teleservice=line.request_id.teleservice_id.name,
                    )
                )

    @api.constrains(
        "value_choice_id", "value_choice_ids", "value_partner_id", "value_attachment_id"
    )
    def _check_value(self):
        for line in self:
            choices = line.value_choice_id | line.value_choice_ids
            wrong = choices.filtered(lambda c, line=line: c.list_id != line.parameter_list_id)
            if wrong:
                raise ValidationError(
                    self.env._(
                        "“%(value)s” is not a choice of the list of field “%(label)s”.",
                        value=wrong[0].name,
                        label=line.name,
                    )
                )
            household = line.request_id.household_id
            if (
                line.value_partner_id
                and household
                and line.value_partner_id not in household.member_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%(person)s is not a member of household %(household)s.",
                        person=line.value_partner_id.name,
                        household=household.name,
                    )
                )
        self.env["collectivite.justificatif"]._check_uploads(self.value_attachment_id)

    def _check_required(self):
        """Raise a readable error naming every required field left empty."""
        missing = self._shown().filtered(lambda line: line.required and not line.is_set)
        if missing:
            raise UserError(
                self.env._(
                    "Request %(ref)s: required fields are empty: %(fields)s.",
                    ref=", ".join(missing.request_id.mapped("name")),
                    fields=", ".join(missing.mapped("name")),
                )
            )

    # ------------------------------------------------------- raw values (API)
    def _convert_raw(self, raw):
        """Convert a raw value (as a form posts it) to the line's field values,
        or raise a readable error."""
        self.ensure_one()
        field = self.field_id
        field_type = field.field_type
        column = VALUE_FIELDS[field_type]
        if raw in (None, "", [], False) and field_type != "boolean":
            return {column: [Command.clear()] if field_type == "multi_choice" else False}
        try:
            if field_type == "number":
                return {column: float(str(raw).replace(",", ".").replace(" ", ""))}
            if field_type == "date":
                return {column: fields.Date.to_date(raw)}
        except ValueError:
            raise ValidationError(
                self.env._(
                    "The field “%(label)s” expects a %(type)s, not “%(value)s”.",
                    label=field.name,
                    type=dict(field._fields["field_type"]._description_selection(self.env))[
                        field_type
                    ],
                    value=raw,
                )
            ) from None
        if field_type == "boolean":
            return {column: raw in (True, "1", "true", "on", "yes", 1)}
        if field_type in ("choice", "multi_choice"):
            keys = raw if isinstance(raw, list | tuple) else [raw]
            if field_type == "choice" and len(keys) > 1:
                raise ValidationError(
                    self.env._("The field “%(label)s” accepts a single choice.", label=field.name)
                )
            choices = field.parameter_list_id.value_ids.filtered(lambda v: v.key in keys)
            unknown = set(keys) - set(choices.mapped("key"))
            if unknown:
                raise ValidationError(
                    self.env._(
                        "“%(value)s” is not a choice of the list of field “%(label)s”.",
                        value=", ".join(sorted(unknown)),
                        label=field.name,
                    )
                )
            if field_type == "choice":
                return {column: choices.id}
            return {column: [Command.set(choices.ids)]}
        if field_type in ("member", "file"):
            return {column: int(raw)}
        return {column: str(raw)}

    @api.model
    def _set_raw_values(self, request, raw_values):
        """Write ``{key: raw value}`` on ``request``: all values or none."""
        lines = {line.field_id.key: line for line in request.value_ids}
        unknown = set(raw_values) - set(lines)
        if unknown:
            raise ValidationError(
                self.env._(
                    "Unknown fields for %(teleservice)s: %(keys)s.",
                    teleservice=request.teleservice_id.name,
                    keys=", ".join(sorted(unknown)),
                )
            )
        converted = {key: lines[key]._convert_raw(raw) for key, raw in raw_values.items()}
        request.write(
            {"value_ids": [Command.update(lines[key].id, vals) for key, vals in converted.items()]}
        )
