from . import (
    collectivite_household,
    collectivite_household_change,
    res_partner,
    res_users,
)
