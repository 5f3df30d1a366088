{
    "name": "Collectivité – comptes foyer",
    "summary": "Household accounts (comptes foyer), their members and the citizen's portal space",
    "version": "18.0.1.2.0",
    "category": "Collectivité",
    "website": "https://example.org/collectivite-odoo",
    "author": "collectivite-odoo",
    "license": "AGPL-3",
    "depends": ["collectivite_base", "portal", "auth_signup"],
    "data": [
        "security/household_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence.xml",
        "data/mail_templates.xml",
        "wizards/collectivite_household_reason_wizard_views.xml",
        "views/collectivite_household_views.xml",
        "views/collectivite_household_change_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/household_menus.xml",
        "views/portal_templates.xml",
        "views/signup_templates.xml",
        "views/portal_accessibility_templates.xml",
    ],
    "demo": [
        "demo/household_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "household_accounts/static/src/js/tours/*.js",
        ],
    },
    "installable": True,
}
