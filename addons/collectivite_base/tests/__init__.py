from . import (
    test_accessibility_mixin,
    test_demo_identity,
    test_french_holidays,
    test_job_http,
    test_job_import_http,
    test_job_import_parts_http,
    test_menus,
    test_translations,
    test_user_timezone,
    test_user_tz,
    test_working_time,
    test_working_time_properties,
)
