"""The household sign-up is now opened by a setting of each collectivité.

Demo data are not reloaded on update: a demo database keeps showing the sign-up
by opening it for the demo communes, as a new demo database does. Other
databases stay closed until an administrator opens the sign-up.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    module = env["ir.module.module"].search([("name", "=", "household_accounts")])
    if not module.demo:
        return
    for xmlid in ("base.main_company", "collectivite_base.company_cergy"):
        company = env.ref(xmlid, raise_if_not_found=False)
        if company:
            company.household_signup_open = True
