from . import (
    collectivite_state_mixin,
    res_company,
    resource_calendar,
    resource_calendar_attendance,
    resource_calendar_leaves,
)
