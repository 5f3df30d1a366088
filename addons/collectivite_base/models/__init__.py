from . import (
    collectivite_registry_cache_source,
    collectivite_state_mixin,
    collectivite_system_log,
    collectivite_working_time_source,
    res_company,
    res_users,
    resource_calendar,
    resource_calendar_attendance,
    resource_calendar_french_holidays,
    resource_calendar_leaves,
)
