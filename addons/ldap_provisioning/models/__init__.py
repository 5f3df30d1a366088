from . import (
    collectivite_ldap_group_mapping,
    collectivite_ldap_operation,
    collectivite_ldap_operation_agent,
    collectivite_ldap_operation_place,
    collectivite_ldap_operation_rights,
    collectivite_school,
    res_company_ldap,
    res_company_ldap_connection,
    res_company_ldap_provisioning,
    res_company_ldap_sync,
    res_users,
)
