from . import (
    test_french_holidays,
    test_job_http,
    test_menus,
    test_working_time,
    test_working_time_properties,
)
