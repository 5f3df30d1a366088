from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Command

from odoo.addons.household_accounts.form_values import parse_id

from .collectivite_request_retention import DRAFT_RETENTION_PARAM


class CollectiviteRequest(models.Model):
    """Requests a citizen fills in from the portal: their drafts (one per
    téléservice and person concerned), the date a draft is deleted, and the
    values of a form step, written once the citizen's ownership is checked."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    date_draft_deletion = fields.Date(
        string="Draft deleted on", compute="_compute_date_draft_deletion"
    )

    @api.depends("create_date", "state")
    def _compute_date_draft_deletion(self):
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        retention = int(params.get_param(DRAFT_RETENTION_PARAM, 30))
        for request in self:
            created = request.create_date or fields.Datetime.now()
            request.date_draft_deletion = (
                (created + timedelta(days=retention)).date() if request.state == "draft" else False
            )

    @api.model
    def _portal_owner_domain(self, partner):
        """The requests of ``partner``'s space: their household's and their own."""
        if partner.household_id:
            return [
                "|",
                ("household_id", "=", partner.household_id.id),
                ("requester_id", "=", partner.id),
            ]
        return [("requester_id", "=", partner.id)]

    def _portal_check_draft(self, partner):
        """The citizen's own draft filed online, in superuser mode to be written.

        :raise AccessError: for anything else (another household's request, a
            submitted one), read with the citizen's rights first
        """
        self.ensure_one()
        if not parse_id(self.id):  # an id PostgreSQL's integer cannot hold: none of theirs
            raise AccessError(self.env._("This draft is not yours."))
        owned = self.search_count(
            [("id", "=", self.id), ("state", "=", "draft"), ("channel", "=", "portal")]
            + self._portal_owner_domain(partner)
        )
        if not owned:
            raise AccessError(self.env._("This draft is not yours."))
        draft = self.sudo()  # sudo: the citizen's own draft, checked above
        # (its household read once, in superuser mode: the rules were just applied)
        if draft.household_id and not draft.household_id.is_active:
            raise AccessError(self.env._("This draft is not yours."))
        return draft

    @api.model
    def _portal_find_draft(self, teleservice, partner, subject):
        """The draft of ``partner``'s space to resume for ``teleservice`` and
        ``subject`` (none when the téléservice allows several drafts)."""
        if teleservice.allows_several_drafts:
            return self.browse()
        return self.search(
            [
                ("teleservice_id", "=", teleservice.id),
                ("subject_id", "=", subject.id),
                ("state", "=", "draft"),
                ("channel", "=", "portal"),
            ]
            + self._portal_owner_domain(partner),
            order="id desc",
            limit=1,
        )

    @api.model
    def _portal_new_draft(self, teleservice, partner, subject):
        """A new draft of ``partner`` for ``subject``, pre-filled with what is
        known (the caller checked the téléservice is online and ``subject`` is
        ``partner`` or a member of their household)."""
        # An inactive household account is not used by the portal.
        household = partner.household_id
        if household and not household.sudo().is_active:  # sudo: the active flag only
            household = household.browse()
        draft = self.sudo().create(  # sudo: the citizen's own draft, see above
            {
                "teleservice_id": teleservice.id,
                "channel": "portal",
                "requester_id": partner.id,
                "subject_id": subject.id,
                "household_id": household.id,
            }
        )
        draft._portal_prefill(subject)
        return draft

    def _portal_prefill(self, subject):
        """Fill the empty fields declared pre-filled with what is known of ``subject``."""
        commands = []
        for line in self.value_ids:
            source = line.field_id.prefill_partner_field
            if not source or line.is_set or not subject[source]:
                continue
            raw = subject[source]
            if line.field_id.field_type == "date":
                raw = fields.Date.to_string(raw)
            try:
                commands.append(Command.update(line.id, line._convert_raw(raw)))
            except ValueError:
                continue
        if commands:
            self.write({"value_ids": commands})
