from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.household_accounts.form_values import parse_id

from .collectivite_request_value import VALUE_FIELDS

# Schools and leisure centres are values of the collectivité's referential
# (``collectivite.school``, provisioned from the directory).
PLACE_TYPES = {"school": "school", "leisure_centre": "leisure_centre"}
VALUE_FIELDS.update(dict.fromkeys(PLACE_TYPES, "value_school_id"))


class CollectiviteRequestValue(models.Model):
    """Values of the school and leisure-centre fields, and the answers that show
    or hide the conditional fields of a form."""

    # One file per concern of the form value, on purpose: nothing to merge.
    _inherit = "collectivite.request.value"  # pylint: disable=consider-merging-classes-inherited

    value_school_id = fields.Many2one(
        "collectivite.school", string="School or leisure centre", ondelete="restrict"
    )

    @api.depends("value_school_id")
    def _compute_display_value(self):
        # The referential is read for the name only (citizens have no right on it).
        places = self.filtered(lambda line: line.field_id.field_type in PLACE_TYPES)
        super(CollectiviteRequestValue, self - places)._compute_display_value()
        for line in places:
            place = line.sudo().value_school_id  # sudo: the name of a public place
            line.display_value = place.name or ""
            line.is_set = bool(place)

    @api.model
    def _places(self, field_type, company):
        """The active schools (or leisure centres) of ``company`` a form offers."""
        return (
            self.env["collectivite.school"]
            .sudo()  # sudo: the public referential of the collectivité, active places only
            .search([("place_type", "=", PLACE_TYPES[field_type]), ("company_id", "=", company.id)])
        )

    def _convert_raw(self, raw):
        field_type = self.field_id.field_type
        if field_type in ("member", "file") + tuple(PLACE_TYPES) and raw not in (None, "", False):
            # An id as a form posts it; anything else reads as a wrong choice.
            raw = parse_id(raw) or -1
            if raw == -1 and field_type != "file":
                raise ValidationError(
                    self.env._("Choose a value of the list for “%(label)s”.", label=self.name)
                )
        if field_type not in PLACE_TYPES or raw in (None, "", False):
            return super()._convert_raw(raw)
        place = self._places(field_type, self.request_id.company_id).filtered(lambda p: p.id == raw)
        if not place:
            raise ValidationError(
                self.env._("Choose a value of the list for “%(label)s”.", label=self.name)
            )
        return {"value_school_id": place.id}

    def _answers(self):
        """``{field id: answer}`` of these lines for the conditions of the form:
        a boolean for a yes / no field, the ids of the chosen values of a choice."""
        return {
            line.field_id.id: (
                line.value_boolean
                if line.field_id.field_type == "boolean"
                else set((line.value_choice_id | line.value_choice_ids).ids)
            )
            for line in self
            if line.field_id.field_type in ("boolean", "choice", "multi_choice")
        }

    def _shown(self):
        """The lines of these values shown by their form's conditions (a hidden
        field is neither required nor kept)."""
        shown = self.browse()
        for request, lines in self.grouped("request_id").items():
            visible = request.teleservice_id.field_ids._visible_fields(request.value_ids._answers())
            shown |= lines.filtered(lambda line, visible=visible: line.field_id in visible)
        return shown
