"""The plain services alone: entry mapping and LDAP client, without a database.

Plain ``unittest`` cases (no Odoo environment, no registry): pytest collects
them with the other tests of the addon. The client is tried on fakes for the
answers a test directory cannot easily give, and on a real slapd for the rest.
"""

import unittest

import ldap
from ldap.controls import SimplePagedResultsControl

from .. import entry_mapping, ldap_client
from . import slapd as slapd_helper
from .slapd import GROUPS_BASE, PEOPLE_BASE, ROOT_DN, ROOT_PASSWORD, SCHOOLS_BASE

PASSWORD = "Mot-de-passe-client-1"  # noqa: S105 (test directory)


def _entry(**attrs):
    return {key: [v.encode() for v in (value if isinstance(value, list) else [value])]
            for key, value in attrs.items()}  # fmt: skip


class TestEntryMapping(unittest.TestCase):
    def test_person_from_entry(self):
        values = entry_mapping.person_from_entry(
            "uid=Marie.Durand,ou=people,dc=x",
            _entry(uid=" Marie.Durand ", givenName="Marie", sn="Durand", mail="m@x.example.org"),
        )
        self.assertEqual(values["uid"], "marie.durand")
        self.assertEqual(values["name"], "Marie Durand")  # no cn: first and last name
        self.assertEqual(values["phone"], "")
        self.assertEqual(entry_mapping.person_missing(values), [])
        self.assertTrue(entry_mapping.is_valid_email(values["email"]))

        values = entry_mapping.person_from_entry("uid=x,dc=x", _entry(cn="Nom affiché", sn=""))
        self.assertEqual(values["name"], "Nom affiché")
        self.assertEqual(entry_mapping.person_missing(values), ["uid", "sn", "mail"])
        self.assertFalse(entry_mapping.is_valid_email("pas-une-adresse"))
        self.assertFalse(entry_mapping.is_valid_email(None))

    def test_school_from_entry(self):
        values = entry_mapping.school_from_entry(
            "ou=CL-1,dc=x",
            _entry(ou="CL-1", description="Centre", businessCategory="Centre_Loisirs"),
        )
        self.assertEqual(values["place_type"], "leisure_centre")
        self.assertEqual(values["street"], False)
        self.assertTrue(entry_mapping.school_is_complete(values))
        values = entry_mapping.school_from_entry("ou=E,dc=x", _entry(ou="E"))
        self.assertEqual(values["place_type"], "school")
        self.assertFalse(entry_mapping.school_is_complete(values))

    def test_group_memberships(self):
        group_cns, memberships = entry_mapping.group_memberships(
            [
                ("cn=a,dc=x", _entry(cn="a", member=["UID=Jean,OU=People,DC=X", "uid=marie,dc=x"])),
                ("cn=b,dc=x", _entry(cn="b", uniqueMember="uid=jean,ou=people,dc=x")),
                ("cn=,dc=x", _entry(member="uid=jean,ou=people,dc=x")),  # no cn: ignored
            ]
        )
        self.assertEqual(group_cns, ["a", "b"])
        self.assertEqual(
            memberships[entry_mapping.normalize_dn("uid=jean,ou=people,dc=x")], {"a", "b"}
        )
        self.assertEqual(memberships["uid=marie,dc=x"], {"a"})

    def test_written_entries(self):
        self.assertEqual(entry_mapping.person_dn("a+b", "dc=x"), "uid=a\\+b,dc=x")
        self.assertEqual(entry_mapping.group_dn("g,1", "dc=x"), "cn=g\\,1,dc=x")
        attributes = entry_mapping.person_attributes("Marie", "Durand", "m@x.example.org")
        self.assertEqual(attributes["cn"], "Marie Durand")
        self.assertEqual(attributes["telephoneNumber"], "")  # empty: removed by a modify
        entry = entry_mapping.person_entry("marie", attributes)
        self.assertEqual(entry["uid"], "marie")
        self.assertIn("inetOrgPerson", entry["objectClass"])
        self.assertNotIn("telephoneNumber", dict(entry_mapping.encode_modlist(entry)))
        school = entry_mapping.school_entry("E1", entry_mapping.school_attributes("École"))
        self.assertEqual(school["businessCategory"], "school")
        self.assertEqual(school["ou"], "E1")


class FakeConnection:
    """Answers ``search_ext``/``result3`` page by page; ``modify_s`` raises the
    errors given in ``failures`` (one per call)."""

    def __init__(self, pages=(), failures=()):
        self.pages = list(pages)
        self.failures = list(failures)
        self.searches = []
        self.modified = []
        self.added = []

    def search_ext(self, base, scope, filterstr, attrs, serverctrls, timeout):
        self.searches.append((base, scope, filterstr, serverctrls[0].cookie, timeout))
        return len(self.searches)

    def result3(self, msgid, timeout):
        data, cookie = self.pages[msgid - 1]
        control = SimplePagedResultsControl(True, size=2, cookie=cookie)
        return ldap.RES_SEARCH_RESULT, data, msgid, [control]

    def modify_s(self, dn, modlist):
        if self.failures:
            failure = self.failures.pop(0)
            if failure:
                raise failure
        self.modified.append((dn, modlist))

    def add_s(self, dn, modlist):
        self.added.append((dn, modlist))


class TestLdapClientAlone(unittest.TestCase):
    def test_paged_search_follows_the_cookie(self):
        connection = FakeConnection(
            [
                ([("uid=a,dc=x", {}), (None, ["ldap://referral"])], b"next"),
                ([("uid=b,dc=x", {})], b""),
            ]
        )
        found = ldap_client.paged_search(connection, "dc=x", "(uid=*)", ["uid"], 2, 30)
        self.assertEqual([dn for dn, _attrs in found], ["uid=a,dc=x", "uid=b,dc=x"])
        self.assertEqual([search[3] for search in connection.searches], ["", b"next"])
        self.assertEqual(connection.searches[0][4], 30)

    def test_filters_are_escaped(self):
        self.assertEqual(
            ldap_client.person_filter("(objectClass=inetOrgPerson)", "a*)(uid=*"),
            "(&(objectClass=inetOrgPerson)(uid=a\\2a\\29\\28uid=\\2a))",
        )
        self.assertIn("(member=uid=a\\2a,dc=x)", ldap_client.member_of_filter("uid=a*,dc=x"))
        self.assertTrue(
            ldap_client.member_of_filter("x").startswith("(&" + ldap_client.GROUP_FILTER)
        )

    def test_memberships_are_idempotent(self):
        connection = FakeConnection(failures=[ldap.TYPE_OR_VALUE_EXISTS()])
        ldap_client.add_member(connection, "cn=g,dc=x", "g", "uid=a,dc=x")
        self.assertEqual(connection.added, [])
        connection = FakeConnection(failures=[ldap.NO_SUCH_OBJECT()])
        ldap_client.add_member(connection, "cn=g,dc=x", "g", "uid=a,dc=x")
        self.assertEqual(connection.added[0][0], "cn=g,dc=x")  # the missing group is created
        self.assertIn(("member", [b"uid=a,dc=x"]), connection.added[0][1])
        connection = FakeConnection(failures=[ldap.NO_SUCH_ATTRIBUTE()])
        ldap_client.remove_member(connection, "cn=g,dc=x", "uid=a,dc=x")
        self.assertEqual(connection.modified, [])
        connection = FakeConnection(failures=[ldap.OBJECT_CLASS_VIOLATION(), None])
        ldap_client.remove_member(connection, "cn=g,dc=x", "uid=a,dc=x")
        self.assertEqual(
            connection.modified, [("cn=g,dc=x", [(ldap.MOD_REPLACE, "member", [b"cn=g,dc=x"])])]
        )

    def test_errors(self):
        self.assertEqual(ldap_client.error_kind(ldap.SERVER_DOWN()), "unreachable")
        self.assertEqual(ldap_client.error_kind(ldap.TIMEOUT()), "unreachable")
        self.assertEqual(ldap_client.error_kind(ldap.INVALID_CREDENTIALS()), "credentials")
        error = ldap.INSUFFICIENT_ACCESS({"desc": "Insufficient access", "info": "no write"})
        self.assertEqual(ldap_client.error_kind(error), "refused")
        self.assertEqual(ldap_client.error_detail(error), "Insufficient access (no write)")
        self.assertEqual(ldap_client.error_detail(ldap.NO_SUCH_OBJECT()), "NO_SUCH_OBJECT")


class TestLdapClientSlapd(unittest.TestCase):
    """The client against a real slapd over StartTLS and LDAPS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.slapd = slapd_helper.launch(3890, 3899, tls=True)
        cls.addClassCleanup(cls.slapd.stop)
        cls.slapd.ldapadd(
            "\n".join(
                [
                    slapd_helper.base_ldif(),
                    *(slapd_helper.person_ldif(f"agent.{i}", "Agent", f"N{i}") for i in range(5)),
                    slapd_helper.group_ldif("contributeur", ["agent.0"]),
                    slapd_helper.school_ldif("EE-1", "École 1"),
                ]
            )
        )

    def _conf(self, **values):
        conf = {
            "ldap_server": "127.0.0.1",
            "ldap_server_port": self.slapd.port,
            "ldap_tls": True,
            "ldap_tls_cacertfile": self.slapd.ca_file,
            "ldap_network_timeout": 5,
        }
        conf.update(values)
        return conf

    def _open(self, **values):
        connection = ldap_client.initialize(self._conf(**values))
        connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        self.addCleanup(ldap_client.unbind_quietly, connection)
        return connection

    def test_search_page_by_page_over_starttls_and_ldaps(self):
        for values in ({}, {"ldap_ssl": True, "ldap_server_port": self.slapd.tls_port}):
            connection = self._open(**values)
            people = ldap_client.paged_search(
                connection, PEOPLE_BASE, "(objectClass=inetOrgPerson)", ["uid"], page_size=2
            )
            self.assertEqual(len(people), 5)
            schools = ldap_client.paged_search(
                connection,
                SCHOOLS_BASE,
                ldap_client.SCHOOL_FILTER,
                ["ou"],
                scope=ldap.SCOPE_ONELEVEL,
            )
            self.assertEqual([entry_mapping.first_value(a, "ou") for _dn, a in schools], ["EE-1"])

    def test_certificate_is_verified(self):
        connection = None
        with self.assertRaises(ldap.LDAPError):
            connection = ldap_client.initialize(self._conf(ldap_tls_cacertfile=False))
            connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        self.assertIsNone(connection)

    def test_unreachable(self):
        port = slapd_helper.free_port(3900, 3999)
        with self.assertRaises(ldap.LDAPError) as caught:
            connection = ldap_client.initialize(self._conf(ldap_server_port=port, ldap_tls=False))
            connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        self.assertEqual(ldap_client.error_kind(caught.exception), "unreachable")

    def test_writes(self):
        connection = self._open()
        dn = entry_mapping.person_dn("nouvel.agent", PEOPLE_BASE)
        attributes = entry_mapping.person_attributes("Nouvel", "Agent", "n@x.example.org", "01")
        ldap_client.add_entry(
            connection, dn, entry_mapping.person_entry("nouvel.agent", attributes)
        )
        ldap_client.set_password(connection, dn, PASSWORD)
        self.assertTrue(self.slapd.can_bind(dn, PASSWORD))
        ldap_client.replace_attributes(connection, dn, dict(attributes, telephoneNumber=""))
        found = ldap_client.paged_search(
            connection, PEOPLE_BASE, ldap_client.person_filter("(objectClass=*)", "nouvel.agent"),
            entry_mapping.PERSON_ATTRIBUTES,
        )  # fmt: skip
        self.assertNotIn("telephoneNumber", found[0][1])  # emptied: removed

        # A missing group is created with its first member; a second add is no error.
        group = entry_mapping.group_dn("nouveau-groupe", GROUPS_BASE)
        ldap_client.add_member(connection, group, "nouveau-groupe", dn)
        ldap_client.add_member(connection, group, "nouveau-groupe", dn)
        groups = ldap_client.paged_search(
            connection, GROUPS_BASE, ldap_client.member_of_filter(dn), ["cn"]
        )
        self.assertEqual(
            [entry_mapping.first_value(a, "cn") for _dn, a in groups], ["nouveau-groupe"]
        )
        # Its last member removed, the group keeps itself as placeholder; twice is no error.
        ldap_client.remove_member(connection, group, dn)
        ldap_client.remove_member(connection, group, dn)
        self.assertEqual(
            ldap_client.paged_search(
                connection, GROUPS_BASE, ldap_client.member_of_filter(dn), ["cn"]
            ),
            [],
        )
        ldap_client.delete_entry(connection, dn)
        ldap_client.delete_entry(connection, dn)  # already gone (a retry): no error
        self.assertFalse(self.slapd.can_bind(dn, PASSWORD))
