from odoo import models


class ResPartner(models.Model):
    """Who the support desk's portal is for: the requesters of a service contract."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _sla_is_desk_requester(self):
        """Whether this partner opens support tickets from the portal: a user of a
        customer organisation of an active service contract (the organisation
        itself or one of its contacts), or one of a contract's référents.
        Residents (citizens of the commune) are not: they use the online
        procedures (téléservices)."""
        self.ensure_one()
        # sudo: requesters cannot read the contracts; only whether one names them.
        Contract = self.env["helpdesk.sla.contract"].sudo()
        return bool(
            Contract.search_count(
                [
                    "|",
                    ("partner_ids", "in", self.commercial_partner_id.ids),
                    ("referent_ids", "in", self.ids),
                ],
                limit=1,
            )
        )
