"""Shared fixtures: a real slapd with a small directory, and its configuration."""

from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

from . import slapd as slapd_helper
from .slapd import (
    GROUPS_BASE,
    PEOPLE_BASE,
    ROOT_DN,
    ROOT_PASSWORD,
    SCHOOLS_BASE,
    SUFFIX,
    group_ldif,
    person_ldif,
    school_ldif,
)

PASSWORD = "Mot-de-passe-annuaire-1"  # noqa: S105 (test directory)


def seed_ldif():
    """People (valid, without group, incomplete), groups and schools."""
    blocks = [
        slapd_helper.base_ldif(),
        person_ldif(
            "philippe.usclade",
            "Philippe",
            "Usclade",
            "philippe.usclade@pontoise.example.org",
            "01 34 43 34 50",
            "Affaires scolaires",
            PASSWORD,
        ),
        person_ldif(
            "marie.durand",
            "Marie",
            "Durand",
            "marie.durand@pontoise.example.org",
            service="État civil",
            password=PASSWORD,
        ),
        person_ldif("jean.martin", "Jean", "Martin", "jean.martin@pontoise.example.org"),
        person_ldif(
            "paul.sansgroupe", "Paul", "Sansgroupe", "paul.sansgroupe@pontoise.example.org"
        ),
        person_ldif("sans.mail", "Sans", "Mail"),
        person_ldif("mauvais.mail", "Mauvais", "Mail", "pas-une-adresse"),
        group_ldif("referentiel-admin", []),
        group_ldif("eprocedures-admin", ["jean.martin"]),
        group_ldif("manager", ["marie.durand"]),
        group_ldif("contributeur", ["philippe.usclade", "sans.mail", "mauvais.mail"]),
        group_ldif("lecture-ecoles", ["philippe.usclade"]),
        school_ldif("EE-JFERRY", "École élémentaire Jules Ferry"),
        school_ldif("CL-TILLEULS", "Centre de loisirs Les Tilleuls", "leisure_centre"),
    ]
    return "\n".join(blocks)


class LdapCase(TransactionCase):
    """A slapd per test class, seeded once; the Odoo side rolls back per test.

    The server speaks StartTLS and LDAPS with a self-signed certificate: a
    provisioning directory is only reached over TLS.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.slapd = slapd_helper.launch(3890, 3899, tls=True)
        cls.addClassCleanup(cls.slapd.stop)
        cls.slapd.ldapadd(seed_ldif())
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.company = cls.env.ref("base.main_company")
        cls.config = cls.env["res.company.ldap"].create(cls._config_values())
        cls.mappings = {m.ldap_group_cn: m for m in cls.config.group_mapping_ids}
        # An operator gives only the groups they hold: this one holds them all.
        cls.referential_admin = new_test_user(
            cls.env,
            login="test.referentiel",
            groups="ldap_provisioning.group_referential_admin,"
            "collectivite_base.collectivite_group_admin",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
            lang="fr_FR",
        )
        cls.group_agent = cls.env.ref("collectivite_base.collectivite_group_agent")
        cls.group_manager = cls.env.ref("collectivite_base.collectivite_group_manager")
        cls.group_admin = cls.env.ref("collectivite_base.collectivite_group_admin")

    def setUp(self):
        super().setUp()
        self.slapd.reset(seed_ldif())

    @classmethod
    def _config_values(cls):
        return {
            "company": cls.company.id,
            "ldap_server": "127.0.0.1",
            "ldap_server_port": cls.slapd.port,
            "ldap_tls": True,
            "ldap_tls_cacertfile": cls.slapd.ca_file,
            "ldap_binddn": ROOT_DN,
            "ldap_password": ROOT_PASSWORD,
            "ldap_base": PEOPLE_BASE,
            "ldap_filter": "(&(objectClass=inetOrgPerson)(uid=%s))",
            "create_user": False,
            "is_provisioning": True,
            "ldap_people_base": PEOPLE_BASE,
            "ldap_groups_base": GROUPS_BASE,
            "ldap_schools_base": SCHOOLS_BASE,
            "ldap_network_timeout": 3,
            "ldap_page_size": 2,
            "sequence": 1,
        }

    def users(self, *logins):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("login", "in", list(logins))])
        )

    def sync(self):
        """Synchronise until nothing remains, as the scheduled action would."""
        for _i in range(20):
            step = self.config._sync_directory()
            if not step["remaining"]:
                return step
        raise AssertionError("The synchronisation did not finish.")

    def member_uids(self, cn):
        entries = self.slapd.ldapsearch(f"cn={cn},{GROUPS_BASE}", attrs=["member"])
        members = next(iter(entries.values())).get("member", []) if entries else []
        return {m.split(",")[0].split("=")[1] for m in members if m.startswith("uid=")}


__all__ = ["LdapCase", "PASSWORD", "SUFFIX", "PEOPLE_BASE", "GROUPS_BASE", "SCHOOLS_BASE"]
