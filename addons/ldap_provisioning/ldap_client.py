"""The LDAP client of the provisioning: connect, search and write (python-ldap, no Odoo).

Every function takes a python-ldap connection (or the connection settings as
a dict) and plain values. Failures are python-ldap's own ``ldap.LDAPError``;
``res.company.ldap._ldap_open`` turns them into translated messages
(``error_kind`` and ``error_detail`` say what happened).
"""

import contextlib
import logging

import ldap
from ldap.controls import SimplePagedResultsControl
from ldap.filter import filter_format

from .entry_mapping import encode_modlist, group_entry

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10
DEFAULT_PAGE_SIZE = 500
# An answer may take longer than reaching the server: a search waits this many
# network timeouts.
SEARCH_TIMEOUT_FACTOR = 6
GROUP_FILTER = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))"
SCHOOL_FILTER = "(objectClass=organizationalUnit)"


# ----------------------------------------------------------------------
# Connection
# ----------------------------------------------------------------------
def initialize(conf):
    """A python-ldap connection to the directory, not bound yet.

    :param dict conf: ``ldap_server``, ``ldap_server_port``, ``ldap_tls``
        (StartTLS) and, optional, ``ldap_ssl`` (ldaps://),
        ``ldap_network_timeout`` (s), ``ldap_tls_cacertfile``: with TLS or
        LDAPS the certificate is always verified
    """
    scheme = "ldaps" if conf.get("ldap_ssl") else "ldap"
    uri = "%s://%s:%d" % (scheme, conf["ldap_server"], conf["ldap_server_port"])
    timeout = conf.get("ldap_network_timeout") or DEFAULT_TIMEOUT
    connection = ldap.initialize(uri)
    connection.set_option(ldap.OPT_PROTOCOL_VERSION, ldap.VERSION3)
    connection.set_option(ldap.OPT_NETWORK_TIMEOUT, timeout)
    connection.set_option(ldap.OPT_TIMEOUT, timeout)
    connection.set_option(ldap.OPT_REFERRALS, ldap.OPT_OFF)
    if conf.get("ldap_tls") or conf.get("ldap_ssl"):
        connection.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        if conf.get("ldap_tls_cacertfile"):
            connection.set_option(ldap.OPT_X_TLS_CACERTFILE, conf["ldap_tls_cacertfile"])
        connection.set_option(ldap.OPT_X_TLS_NEWCTX, 0)  # apply the TLS options
    if conf.get("ldap_tls") and not conf.get("ldap_ssl"):
        connection.start_tls_s()
    return connection


def unbind_quietly(connection):
    """Close a connection; a failure to close is no failure of the work done."""
    with contextlib.suppress(ldap.LDAPError):
        connection.unbind_s()


def error_kind(error):
    """``"unreachable"``, ``"credentials"`` (bind refused) or ``"refused"``."""
    if isinstance(error, ldap.SERVER_DOWN | ldap.TIMEOUT | ldap.CONNECT_ERROR):
        return "unreachable"
    if isinstance(error, ldap.INVALID_CREDENTIALS):
        return "credentials"
    return "refused"


def error_detail(error):
    """The server's description of an error (and its additional info), or its class name."""
    detail = ""
    if error.args and isinstance(error.args[0], dict):
        detail = error.args[0].get("desc", "")
        if error.args[0].get("info"):
            detail = "%s (%s)" % (detail, error.args[0]["info"])
    return detail or error.__class__.__name__


# ----------------------------------------------------------------------
# Searches
# ----------------------------------------------------------------------
def paged_search(
    connection,
    base,
    filterstr,
    attrs,
    page_size=DEFAULT_PAGE_SIZE,
    timeout=DEFAULT_TIMEOUT * SEARCH_TIMEOUT_FACTOR,
    scope=ldap.SCOPE_SUBTREE,
):
    """All entries ``(dn, attrs)`` of a search, fetched page by page (RFC 2696).

    Referrals and other results without a DN are left out.
    """
    control = SimplePagedResultsControl(True, size=page_size, cookie="")
    results = []
    while True:
        msgid = connection.search_ext(
            base, scope, filterstr, attrs, serverctrls=[control], timeout=timeout
        )
        _rtype, data, _msgid, controls = connection.result3(msgid, timeout=timeout)
        results.extend(entry for entry in data if entry[0])
        cookies = [
            c.cookie for c in controls if c.controlType == SimplePagedResultsControl.controlType
        ]
        if not cookies or not cookies[0]:
            return results
        control.cookie = cookies[0]


def person_filter(people_filter, uid):
    """The people filter of the directory, narrowed to one uid (escaped)."""
    return "(&%s%s)" % (people_filter, filter_format("(uid=%s)", [uid]))


def school_filter(code):
    return filter_format("(&(objectClass=organizationalUnit)(ou=%s))", [code])


def member_of_filter(dn):
    """The groups that have ``dn`` as ``member`` or ``uniqueMember``."""
    return filter_format("(&%s(|(member=%%s)(uniqueMember=%%s)))" % GROUP_FILTER, [dn, dn])


# ----------------------------------------------------------------------
# Writes (each one idempotent where a retry may replay it)
# ----------------------------------------------------------------------
def add_entry(connection, dn, values):
    """Add an entry from ``{attribute: text or list}`` (empty values left out)."""
    connection.add_s(dn, encode_modlist(values))


def replace_attributes(connection, dn, attributes):
    """Replace the given attributes of an entry; an empty value removes the attribute."""
    modlist = [
        (ldap.MOD_REPLACE, key, [value.encode()] if value else None)
        for key, value in attributes.items()
    ]
    connection.modify_s(dn, modlist)


def delete_entry(connection, dn):
    """Delete an entry; one already gone (a retry) is no error."""
    try:
        connection.delete_s(dn)
    except ldap.NO_SUCH_OBJECT:
        _logger.debug("%s already deleted (retry)", dn)


def set_password(connection, dn, password):
    """Give a password to the directory (RFC 3062 Password Modify): the directory
    hashes it with its own scheme."""
    connection.passwd_s(dn, None, password)


def add_member(connection, group_dn, cn, dn):
    """Make ``dn`` a member of a group, creating the group when it is missing."""
    try:
        connection.modify_s(group_dn, [(ldap.MOD_ADD, "member", [dn.encode()])])
    except ldap.TYPE_OR_VALUE_EXISTS:
        _logger.debug("%s already a member of %s", dn, group_dn)
    except ldap.NO_SUCH_OBJECT:
        add_entry(connection, group_dn, group_entry(cn, dn))


def remove_member(connection, group_dn, dn):
    """Remove ``dn`` from a group (not a member, or no group: nothing to do)."""
    try:
        connection.modify_s(group_dn, [(ldap.MOD_DELETE, "member", [dn.encode()])])
    except (ldap.NO_SUCH_ATTRIBUTE, ldap.NO_SUCH_OBJECT):
        _logger.debug("%s not a member of %s", dn, group_dn)
    except ldap.OBJECT_CLASS_VIOLATION:
        # groupOfNames needs a member: the group keeps itself as placeholder.
        connection.modify_s(group_dn, [(ldap.MOD_REPLACE, "member", [group_dn.encode()])])
