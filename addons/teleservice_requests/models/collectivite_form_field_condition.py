from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Field types whose value can show or hide another field.
CONDITION_TYPES = ("boolean", "choice", "multi_choice")
# What a portal form may pre-fill from the person concerned.
PREFILL_FIELDS = [
    ("lastname", "Last name"),
    ("firstname", "First name"),
    ("name", "Full name"),
    ("birthdate", "Birth date"),
    ("email", "E-mail"),
    ("phone", "Phone"),
]


class CollectiviteFormField(models.Model):
    """Conditions and pre-filling of a form field, set by the manager: a field
    is shown only when an earlier field of the same form has a given value; a
    section (a step of the portal form) is shown when one of its fields is."""

    # One file per concern of the form field, on purpose: nothing to merge.
    _inherit = "collectivite.form.field"  # pylint: disable=consider-merging-classes-inherited

    field_type = fields.Selection(
        selection_add=[("school", "School"), ("leisure_centre", "Leisure centre")],
        ondelete={"school": "set default", "leisure_centre": "set default"},
    )
    condition_field_id = fields.Many2one(
        "collectivite.form.field",
        string="Shown only when",
        domain="[('teleservice_id', '=', teleservice_id), "
        "('field_type', 'in', ('boolean', 'choice', 'multi_choice'))]",
        ondelete="set null",
        help="The field is shown (and its value kept) only when this earlier field of the "
        "form has the value below; otherwise it is ignored, even if sent.",
    )
    condition_field_type = fields.Selection(
        related="condition_field_id.field_type", string="Condition type"
    )
    condition_boolean = fields.Selection(
        [("yes", "Yes"), ("no", "No")], string="Answer", default="yes"
    )
    condition_value_ids = fields.Many2many(
        "collectivite.parameter.value",
        "collectivite_form_field_condition_value_rel",
        "field_id",
        "value_id",
        string="One of the choices",
        domain="[('list_id', '=', condition_list_id)]",
    )
    condition_list_id = fields.Many2one(
        related="condition_field_id.parameter_list_id", string="Condition list"
    )
    prefill_partner_field = fields.Selection(
        PREFILL_FIELDS,
        string="Pre-filled with",
        help="In the portal, what is known of the person concerned fills the field in "
        "(the citizen may change it).",
    )

    @api.constrains("condition_field_id", "condition_value_ids", "sequence", "teleservice_id")
    def _check_condition(self):
        for field in self.filtered("condition_field_id"):
            condition = field.condition_field_id
            if (
                condition.teleservice_id != field.teleservice_id
                or condition.field_type not in CONDITION_TYPES
                or (condition.sequence, condition.id) >= (field.sequence, field.id)
            ):
                raise ValidationError(
                    self.env._(
                        "The field “%(label)s” can only depend on an earlier yes / no or choice "
                        "field of the same form.",
                        label=field.name,
                    )
                )
            if field.condition_value_ids.filtered(
                lambda v, condition=condition: v.list_id != condition.parameter_list_id
            ):
                raise ValidationError(
                    self.env._(
                        "The condition of the field “%(label)s” names a choice that is not in "
                        "the list of “%(condition)s”.",
                        label=field.name,
                        condition=condition.name,
                    )
                )

    def _condition_met(self, answers):
        """Whether this field's own condition holds for ``answers`` (``{field id:
        True/False for a yes / no field, the set of chosen value ids for a choice}``)."""
        self.ensure_one()
        condition = self.condition_field_id
        if not condition:
            return True
        answer = answers.get(condition.id)
        if condition.field_type == "boolean":
            return bool(answer) == (self.condition_boolean != "no")
        return bool(set(answer or ()) & set(self.condition_value_ids.ids))

    def _visible_fields(self, answers):
        """The fields of ``self`` (one form) shown for ``answers``: a field whose
        condition depends on a hidden field is hidden too."""
        visible = self.browse()
        for field in self.sorted(lambda f: (f.sequence, f.id)):
            condition = field.condition_field_id
            if condition and condition in self and condition not in visible:
                continue
            if field._condition_met(answers):
                visible |= field
        return visible
