"""Small helpers shared by the provisioning models (no Odoo model here)."""

import ldap
import ldap.dn

from odoo.exceptions import UserError


class DirectoryError(UserError):
    """The directory could not be used (unreachable, bind refused, refused write).

    The message is already translated and never contains the bind password.
    """


class SyncBusy(UserError):
    """Another synchronisation of the same directory is running right now."""


def normalize_dn(dn):
    """A canonical, case-insensitive form of a DN, to compare members and entries."""
    if not dn:
        return ""
    try:
        return ldap.dn.dn2str(ldap.dn.str2dn(dn)).lower()
    except ldap.DECODING_ERROR:
        return dn.strip().lower()


def first_value(attrs, name):
    """The first value of an attribute of an entry returned by python-ldap, as text."""
    values = attrs.get(name) or attrs.get(name.lower()) or []
    for value in values:
        text = value.decode() if isinstance(value, bytes) else value
        text = text.strip()
        if text:
            return text
    return ""


def all_values(attrs, name):
    values = attrs.get(name) or attrs.get(name.lower()) or []
    return [value.decode() if isinstance(value, bytes) else value for value in values]


def encode_modlist(values):
    """``{attribute: text or list}`` to python-ldap's ``[(attribute, [bytes])]``."""
    result = []
    for key, value in values.items():
        items = value if isinstance(value, list | tuple) else [value]
        items = [item.encode() for item in items if item]
        if items:
            result.append((key, items))
    return result
