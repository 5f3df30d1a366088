from . import (
    collectivite_ldap_group_mapping,
    collectivite_ldap_operation,
    collectivite_school,
    res_company_ldap,
    res_users,
)
