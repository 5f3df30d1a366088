from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    household_signup_open = fields.Boolean(
        "Household sign-up",
        help="Citizens create their household account of this collectivité online "
        "(“Créer mon compte”). Closed until an administrator opens it.",
    )

    @api.model
    def _household_signup_companies(self):
        """The collectivités whose public sign-up is open (name and id only are shown)."""
        companies = self.sudo()  # sudo: the public sign-up page lists the open communes
        return companies.search([("household_signup_open", "=", True)], order="name")
