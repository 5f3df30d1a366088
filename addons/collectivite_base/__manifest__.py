{
    "name": "Collectivité – base",
    "summary": "Shared groups, state machines and working-time deadlines of the collectivité suite",
    "version": "18.0.1.1.0",
    "category": "Collectivité",
    "website": "https://example.org/collectivite-odoo",
    "author": "collectivite-odoo",
    "license": "LGPL-3",
    "depends": ["mail", "resource"],
    "external_dependencies": {"python": ["holidays"]},
    "data": [
        "security/collectivite_security.xml",
        "data/res_partner.xml",
        "data/resource_calendar_data.xml",
        "data/ir_cron.xml",
        "views/resource_calendar_views.xml",
        "views/res_company_views.xml",
        "views/web_layout_templates.xml",
    ],
    "demo": [
        "demo/collectivite_demo.xml",
    ],
    "installable": True,
}
