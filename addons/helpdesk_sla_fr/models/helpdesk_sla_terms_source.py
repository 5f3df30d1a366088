from odoo import api, models


class HelpdeskSlaTermsSource(models.AbstractModel):
    """Lines of a contract that its cached terms are read from (matrix cells,
    targets): any change clears the registry cache
    (``helpdesk.sla.contract._sla_terms``), in the other workers too."""

    _name = "helpdesk.sla.terms.source"
    _description = "Source of a service contract's terms"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
