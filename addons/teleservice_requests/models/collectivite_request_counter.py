from odoo import api, fields, models
from odoo.fields import Command

from ..tools import household_address


class CollectiviteRequest(models.Model):
    """Entry of a request at the counter: the form has a title before the
    request has a number, and its data lines appear as soon as the
    téléservice is chosen."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    form_title = fields.Char(compute="_compute_form_title", string="Title")

    @api.depends("name", "teleservice_id")
    def _compute_form_title(self):
        for request in self:
            if request.name and request.name != "/":
                request.form_title = request.name
            elif request.teleservice_id:
                request.form_title = self.env._(
                    "New request – %(teleservice)s", teleservice=request.teleservice_id.name
                )
            else:
                request.form_title = self.env._("New request")

    @api.depends("name", "teleservice_id")
    def _compute_display_name(self):
        super()._compute_display_name()
        for request in self.filtered(lambda r: not r.name or r.name == "/"):
            request.display_name = request.form_title

    @api.onchange("teleservice_id")
    def _onchange_teleservice_id_values(self):
        """A request being entered gets one line per field of its téléservice's
        form (``create`` fills what is still missing)."""
        if self._origin.id:
            return
        fields_of_form = self.teleservice_id.field_ids
        lines = [Command.clear()]
        for field in fields_of_form:
            line = {"field_id": field.id}
            if field.field_type == "member" and self.subject_id:
                line["value_partner_id"] = self.subject_id.id
            elif field.field_type == "address" and self.household_id:
                line["value_text"] = household_address(self.household_id)
            lines.append(Command.create(line))
        self.value_ids = lines

    @api.onchange("household_id", "subject_id")
    def _onchange_household_id_values(self):
        """The household's address and the concerned person fill the empty lines."""
        if self._origin.id:
            return
        for line in self.value_ids:
            if line.field_type == "address" and not line.value_text and self.household_id:
                line.value_text = household_address(self.household_id)
            elif line.field_type == "member" and not line.value_partner_id and self.subject_id:
                line.value_partner_id = self.subject_id
