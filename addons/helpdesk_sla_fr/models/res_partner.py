from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "collectivite.registry.cache.source"]
    # archiving or deleting counts, other changes do not
    _registry_cache_fields = frozenset(["active"])

    def _affects_registry_cache(self):
        """The cached terms of the contracts (``helpdesk.sla.contract._sla_terms``)
        hold their active customer organisations: archiving or deleting one
        clears them."""
        return (
            not self.env["helpdesk.sla.contract"]._sla_contract_partner_ids().isdisjoint(self.ids)
        )
