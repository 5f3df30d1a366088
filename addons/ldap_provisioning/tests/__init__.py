from . import (
    test_http,
    test_ldap_client,
    test_login,
    test_operation,
    test_security,
    test_sync,
    test_sync_job,
    test_tls,
    test_views,
)
