from . import (
    test_accessibility_mixin,
    test_french_holidays,
    test_working_time,
    test_working_time_properties,
)
