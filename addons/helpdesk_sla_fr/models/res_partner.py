from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        result = super().write(vals)
        if "active" in vals:
            self._sla_clear_contract_terms()
        return result

    def unlink(self):
        self._sla_clear_contract_terms()
        return super().unlink()

    def _sla_clear_contract_terms(self):
        """The cached terms of the contracts (``helpdesk.sla.contract._sla_terms``)
        hold their active customer organisations: archiving or deleting one
        clears them."""
        if not self.env["helpdesk.sla.contract"]._sla_contract_partner_ids().isdisjoint(self.ids):
            self.env.registry.clear_cache()
