"""Directory entries to plain values and back: no Odoo model, no connection.

What an entry of the people, groups or schools branch means for the
provisioning (``person_from_entry``, ``school_from_entry``,
``group_memberships``), and the DNs and attributes written for an agent or a
place (``person_dn``, ``person_attributes``, ``school_attributes``...). The
models translate the problems these functions find.
"""

import ldap.dn

from odoo.tools import single_email_re

PERSON_ATTRIBUTES = ["uid", "cn", "givenName", "sn", "mail", "telephoneNumber", "departmentNumber"]
# LDAP attribute of each mandatory value of a person.
PERSON_MANDATORY = (("uid", "uid"), ("sn", "surname"), ("mail", "email"))
PERSON_OBJECT_CLASSES = ["top", "person", "organizationalPerson", "inetOrgPerson"]
SCHOOL_ATTRIBUTES = [
    "ou",
    "description",
    "businessCategory",
    "street",
    "postalCode",
    "l",
    "telephoneNumber",
]
SCHOOL_OBJECT_CLASSES = ["top", "organizationalUnit"]
# ``businessCategory`` values of a leisure centre (anything else is a school).
LEISURE_CENTRE_CATEGORIES = ("leisure_centre", "centre_loisirs")
GROUP_ATTRIBUTES = ["cn", "member", "uniqueMember"]
GROUP_OBJECT_CLASSES = ["top", "groupOfNames"]


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
    """Every value of an attribute of an entry returned by python-ldap, as text."""
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


# ----------------------------------------------------------------------
# Reading entries
# ----------------------------------------------------------------------
def person_from_entry(dn, attrs):
    """The values of an agent from a person entry (``uid`` lowercased; ``name``
    is ``cn``, else the first name and last name)."""
    values = {
        "dn": dn,
        "uid": first_value(attrs, "uid").lower(),
        "given_name": first_value(attrs, "givenName"),
        "surname": first_value(attrs, "sn"),
        "email": first_value(attrs, "mail"),
        "phone": first_value(attrs, "telephoneNumber"),
        "service": first_value(attrs, "departmentNumber"),
    }
    values["name"] = first_value(attrs, "cn") or " ".join(
        part for part in (values["given_name"], values["surname"]) if part
    )
    return values


def person_missing(values):
    """The LDAP attributes a person needs and lacks (``uid``, ``sn``, ``mail``)."""
    return [attribute for attribute, key in PERSON_MANDATORY if not values[key]]


def is_valid_email(email):
    """Whether ``email`` is one address, as Odoo understands it."""
    return bool(single_email_re.match(email or ""))


def school_from_entry(dn, attrs):
    """The values of a school or leisure centre from an ``organizationalUnit``."""
    category = first_value(attrs, "businessCategory").lower()
    return {
        "ldap_dn": dn,
        "code": first_value(attrs, "ou"),
        "name": first_value(attrs, "description"),
        "place_type": "leisure_centre" if category in LEISURE_CENTRE_CATEGORIES else "school",
        "street": first_value(attrs, "street") or False,
        "zip": first_value(attrs, "postalCode") or False,
        "city": first_value(attrs, "l") or False,
        "phone": first_value(attrs, "telephoneNumber") or False,
    }


def school_is_complete(values):
    """A place needs its code (``ou``) and its name (``description``)."""
    return bool(values["code"] and values["name"])


def group_memberships(group_entries):
    """The groups of the groups branch and who is in them.

    :param list group_entries: ``(dn, attrs)`` of ``groupOfNames`` or
        ``groupOfUniqueNames`` entries (entries without ``cn`` are ignored)
    :return: ``(group_cns, memberships)``: every group's cn in the directory's
        order, and ``{normalised member DN: set of cns}``
    """
    group_cns, memberships = [], {}
    for _dn, attrs in group_entries:
        cn = first_value(attrs, "cn")
        if not cn:
            continue
        group_cns.append(cn)
        for member in all_values(attrs, "member") + all_values(attrs, "uniqueMember"):
            memberships.setdefault(normalize_dn(member), set()).add(cn)
    return group_cns, memberships


# ----------------------------------------------------------------------
# Writing entries
# ----------------------------------------------------------------------
def person_dn(uid, people_base):
    return "uid=%s,%s" % (ldap.dn.escape_dn_chars(uid), people_base)


def school_dn(code, schools_base):
    return "ou=%s,%s" % (ldap.dn.escape_dn_chars(code), schools_base)


def group_dn(cn, groups_base):
    return "cn=%s,%s" % (ldap.dn.escape_dn_chars(cn), groups_base)


def person_attributes(given_name, surname, email, phone=None, service=None):
    """The attributes of a person entry written by an operation (empty: removed)."""
    return {
        "cn": "%s %s" % (given_name, surname),
        "givenName": given_name,
        "sn": surname,
        "mail": email,
        "telephoneNumber": phone or "",
        "departmentNumber": service or "",
    }


def person_entry(uid, attributes):
    """The attributes of a new person entry."""
    return dict(attributes, objectClass=PERSON_OBJECT_CLASSES, uid=uid)


def school_attributes(name, place_type=None, street=None, zip_code=None, city=None, phone=None):
    """The attributes of a school entry written by an operation (empty: removed)."""
    return {
        "description": name,
        "businessCategory": place_type or "school",
        "street": street or "",
        "postalCode": zip_code or "",
        "l": city or "",
        "telephoneNumber": phone or "",
    }


def school_entry(code, attributes):
    """The attributes of a new school or leisure centre entry."""
    return dict(attributes, objectClass=SCHOOL_OBJECT_CLASSES, ou=code)


def group_entry(cn, member_dn):
    """The attributes of a new group entry with its first member."""
    return {"objectClass": GROUP_OBJECT_CLASSES, "cn": cn, "member": member_dn}
