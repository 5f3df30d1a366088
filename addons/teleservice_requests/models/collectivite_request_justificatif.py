from odoo import api, fields, models

from ..tools import m2m_added_ids


class CollectiviteRequest(models.Model):
    """The justificatifs of a request: those it links (only ones its user may
    read: linking opens them to the readers of the request's category) and
    those its téléservice still needs validated."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    justificatif_ids = fields.Many2many(
        "collectivite.justificatif",
        "collectivite_request_justificatif_rel",
        "request_id",
        "justificatif_id",
        string="Justificatifs",
    )
    missing_justificatif_type_ids = fields.Many2many(
        "collectivite.justificatif.type",
        compute="_compute_missing_justificatif_type_ids",
        string="Justificatifs to validate",
    )

    @api.depends("teleservice_id.justificatif_type_ids", "justificatif_ids.state")
    def _compute_missing_justificatif_type_ids(self):
        for request in self:
            validated = request.justificatif_ids.filtered(lambda j: j.state == "validated")
            request.missing_justificatif_type_ids = (
                request.teleservice_id.justificatif_type_ids - validated.type_id
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_justificatif_links(
            {jid for vals in vals_list for jid in m2m_added_ids(vals.get("justificatif_ids"))}
        )
        return super().create(vals_list)

    def write(self, vals):
        if "justificatif_ids" in vals:
            linked = set(self.sudo().justificatif_ids.ids)  # sudo: links compared, nothing returned
            self._check_justificatif_links(set(m2m_added_ids(vals["justificatif_ids"])) - linked)
        return super().write(vals)

    @api.model
    def _check_justificatif_links(self, justificatif_ids):
        """A request links only justificatifs its user may read: linking opens
        them to the readers of the request's category."""
        if justificatif_ids and not self.env.su:
            self.env["collectivite.justificatif"].browse(justificatif_ids).check_access("read")
