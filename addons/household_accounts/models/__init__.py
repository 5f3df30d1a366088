from . import (
    collectivite_household,
    collectivite_household_change,
    res_company,
    res_config_settings,
    res_partner,
    res_users,
)
