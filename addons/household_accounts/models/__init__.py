from . import (
    collectivite_guarded_state_mixin,
    collectivite_household,
    collectivite_household_change,
    res_partner,
    res_users,
)
