from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The RESOTIC on-call calendar (noupdate data) opens on public holidays
    as on Sundays: flag it and generate its holidays."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    calendar = env.ref("helpdesk_sla_fr.resource_calendar_resotic_oncall", raise_if_not_found=False)
    if calendar:
        calendar.write({"has_french_holidays": True, "has_sunday_holidays": True})
        calendar.action_generate_french_holidays()
