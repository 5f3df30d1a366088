from odoo import api, models


class ResUsers(models.Model):
    """Users live in their collectivité's time zone (Europe/Paris for the communes of
    metropolitan France): a new user without a time zone of their own gets their
    company's, whoever creates them (back office, portal invitation, sign-up, directory
    provisioning), so that the times they read match the e-mails and the deadlines."""

    _inherit = "res.users"

    @api.model
    def _collectivite_tz(self, company):
        """Time zone of a collectivité's users: its business calendar's, else its
        working schedule's, else the one of its partner."""
        return (
            company.collectivite_calendar_id.tz
            or company.resource_calendar_id.tz
            or company.partner_id.tz
            or False
        )

    @api.model
    def default_get(self, fields_list):
        # The company's time zone, rather than the creator's browser one (context).
        values = super().default_get(fields_list)
        if "tz" in fields_list:
            company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
            values["tz"] = self._collectivite_tz(company) or values.get("tz")
        return values

    @api.model_create_multi
    def create(self, vals_list):
        Company = self.env["res.company"]
        tzs = {}
        for vals in vals_list:
            if not vals.get("tz") and not vals.get("partner_id"):
                company_id = vals.get("company_id") or self.env.company.id
                if company_id not in tzs:
                    tzs[company_id] = self._collectivite_tz(Company.browse(company_id))
                if tzs[company_id]:
                    vals["tz"] = tzs[company_id]
        users = super().create(vals_list)
        # Users made for an existing partner (portal invitation, sign-up) keep the
        # partner's values: those without a time zone get their company's.
        for company, company_users in (
            users.filtered(lambda user: not user.tz).grouped("company_id").items()
        ):
            tz = self._collectivite_tz(company)
            if tz:
                company_users.partner_id.write({"tz": tz})
        return users
