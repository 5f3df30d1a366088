{
    "name": "Collectivité – base",
    "summary": "Shared groups, state machines and working-time deadlines of the collectivité suite",
    "version": "18.0.1.4.0",
    "category": "Collectivité",
    "website": "https://example.org/collectivite-odoo",
    "author": "collectivite-odoo",
    "license": "LGPL-3",
    "depends": ["mail", "portal", "resource", "base_import"],
    "external_dependencies": {"python": ["holidays", "numpy"]},
    "data": [
        "security/collectivite_security.xml",
        "data/res_partner.xml",
        "data/resource_calendar_data.xml",
        "data/ir_cron.xml",
        "views/resource_calendar_views.xml",
        "views/res_company_views.xml",
        "security/ir.model.access.csv",
        "security/collectivite_job_security.xml",
        "data/collectivite_job_data.xml",
        "views/collectivite_job_views.xml",
        "views/web_layout_templates.xml",
    ],
    "demo": [
        "demo/collectivite_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "collectivite_base/static/src/js/collectivite_job_progress.js",
            "collectivite_base/static/src/js/user_timezone.js",
            "collectivite_base/static/src/js/collectivite_job_notice.js",
            "collectivite_base/static/src/js/collectivite_job_user_menu.js",
        ],
        "web.assets_tests": [
            "collectivite_base/static/tests/tours/*.js",
        ],
        "web.assets_frontend": [
            "collectivite_base/static/src/scss/portal_links.scss",
        ],
    },
    "installable": True,
}
