from odoo import fields, models


class CollectiviteHousehold(models.Model):
    _inherit = "collectivite.household"

    justificatif_ids = fields.One2many(
        "collectivite.justificatif", "household_id", string="Documents"
    )
    request_ids = fields.One2many("collectivite.request", "household_id", string="Requests")
