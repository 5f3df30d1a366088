from . import (
    collectivite_household,
    collectivite_household_change,
    collectivite_household_counter,
    collectivite_household_history,
    collectivite_household_members,
    collectivite_household_portal,
    collectivite_household_signup,
    res_company,
    res_config_settings,
    res_partner,
    res_partner_member_values,
    res_users,
)
