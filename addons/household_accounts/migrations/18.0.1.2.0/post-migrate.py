"""Household members are “Madame” or “Monsieur”: French administrations no longer
use “Mademoiselle”, and the forms no longer offer it. Members who had it become
“Madame” (other civilities are left for an agent to correct)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    miss = env.ref("base.res_partner_title_miss", raise_if_not_found=False)
    madam = env.ref("base.res_partner_title_madam", raise_if_not_found=False)
    if not (miss and madam):
        return
    members = (
        env["res.partner"]
        .with_context(active_test=False)
        .search([("household_id", "!=", False), ("title", "=", miss.id)])
    )
    members.write({"title": madam.id})
