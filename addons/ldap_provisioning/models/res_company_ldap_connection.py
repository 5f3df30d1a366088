import contextlib
import logging

import ldap

from odoo import models

from odoo.addons.auth_ldap.models.res_company_ldap import LDAPWrapper

from .. import entry_mapping, ldap_client
from ..exceptions import DirectoryError

_logger = logging.getLogger(__name__)


class ResCompanyLdap(models.Model):
    """Connection to the directory (LDAPS, StartTLS, timeouts), searches, and
    the logins of ``auth_ldap`` (users created at login are provisioned ones).

    The python-ldap calls themselves are in ``ldap_client``; this file gives
    them the directory's configuration and translates their failures.
    """

    # One concern per file: the other _inherit files of this model hold the others.
    _inherit = "res.company.ldap"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Logins (auth_ldap)
    # ------------------------------------------------------------------
    def _map_ldap_attributes(self, conf, login, ldap_entry):
        """A user created by auth_ldap at login is linked to a provisioning
        directory, so that the synchronisation manages it (groups, archiving)."""
        values = super()._map_ldap_attributes(conf, login, ldap_entry)
        config = self.sudo().browse(conf["id"])  # sudo: login, as auth_ldap
        if config.is_provisioning:
            person, _problem = config._sync_parse_person(conf, ldap_entry[0], ldap_entry[1])
            if person and person["uid"] == login.lower():
                values.update(config._provisioning_user_values(person, self.env["res.groups"]))
                values["ldap_config_id"] = config.id
        return values

    def _get_ldap_dicts(self):
        """As auth_ldap, with LDAPS and timeouts; a provisioning directory saved
        without TLS (before it was required) is not used for logins either."""
        confs = super()._get_ldap_dicts()
        configs = self.sudo().browse([conf["id"] for conf in confs])  # sudo: as auth_ldap
        extra = {
            row["id"]: row
            for row in configs.read(
                ["ldap_ssl", "ldap_network_timeout", "ldap_tls_cacertfile", "is_provisioning"],
                load=None,
            )
        }
        result = []
        for conf in confs:
            row = extra[conf["id"]]
            if row["is_provisioning"] and not (conf["ldap_tls"] or row["ldap_ssl"]):
                _logger.warning(
                    "LDAP directory %s:%s provisions agents without TLS: not used for logins",
                    conf["ldap_server"],
                    conf["ldap_server_port"],
                )
                continue
            conf.update(
                ldap_ssl=row["ldap_ssl"],
                ldap_network_timeout=row["ldap_network_timeout"],
                ldap_tls_cacertfile=row["ldap_tls_cacertfile"],
            )
            result.append(conf)
        return result

    # ------------------------------------------------------------------
    # Connection
    # ------------------------------------------------------------------
    def _connect(self, conf):
        """As auth_ldap, plus ldaps:// and network timeouts (login included)."""
        return LDAPWrapper(ldap_client.initialize(conf))

    def _ldap_error_message(self, conf, error):
        """A French-ready message for an LDAP failure (never the bind password)."""
        server = "%s:%s" % (conf["ldap_server"], conf["ldap_server_port"])
        kind = ldap_client.error_kind(error)
        if kind == "unreachable":
            return self.env._(
                "The LDAP directory %(server)s cannot be reached. Nothing was changed; "
                "try again later.",
                server=server,
            )
        if kind == "credentials":
            return self.env._(
                "The LDAP directory %(server)s refused the connection account "
                "(bind DN %(binddn)s). Nothing was changed; check the configuration.",
                server=server,
                binddn=conf["ldap_binddn"] or "-",
            )
        return self.env._(
            "The LDAP directory %(server)s refused the operation: %(detail)s",
            server=server,
            detail=ldap_client.error_detail(error),
        )

    @contextlib.contextmanager
    def _ldap_open(self, conf):
        """Connected and bound raw connection; LDAP errors become DirectoryError."""
        connection = None
        try:
            connection = self._connect(conf).__obj__
            connection.simple_bind_s(conf["ldap_binddn"], conf["ldap_password"])
            yield connection
        except ldap.LDAPError as error:
            message = self._ldap_error_message(conf, error)
            _logger.warning(
                "LDAP directory %s:%s: %s",
                conf["ldap_server"],
                conf["ldap_server_port"],
                error.__class__.__name__,
            )
            raise DirectoryError(message) from None
        finally:
            if connection is not None:
                ldap_client.unbind_quietly(connection)

    # ------------------------------------------------------------------
    # Searches
    # ------------------------------------------------------------------
    def _ldap_paged_search(self, connection, conf, base, filterstr, attrs, scope=None):
        """All entries of a subtree search, fetched page by page (RFC 2696)."""
        return ldap_client.paged_search(
            connection,
            base,
            filterstr,
            attrs,
            page_size=conf["page_size"],
            timeout=conf["ldap_network_timeout"] * ldap_client.SEARCH_TIMEOUT_FACTOR,
            scope=ldap.SCOPE_SUBTREE if scope is None else scope,
        )

    def _ldap_find_person(self, connection, conf, uid):
        """``(dn, attrs)`` of the person with this uid in the people branch, or None."""
        found = self._ldap_paged_search(
            connection,
            conf,
            conf["people_base"],
            ldap_client.person_filter(conf["people_filter"], uid),
            entry_mapping.PERSON_ATTRIBUTES,
        )
        return found[0] if found else None

    def _ldap_find_school(self, connection, conf, code):
        """``(dn, attrs)`` of the school or leisure centre with this code, or None."""
        found = self._ldap_paged_search(
            connection,
            conf,
            conf["schools_base"],
            ldap_client.school_filter(code),
            entry_mapping.SCHOOL_ATTRIBUTES,
            scope=ldap.SCOPE_ONELEVEL,
        )
        return found[0] if found else None

    def action_test_connection(self):
        self.ensure_one()
        self._check_system_admin()
        conf = self._provisioning_conf(require_tls=self.is_provisioning)
        with self._ldap_open(conf) as connection:
            count = len(
                self._ldap_paged_search(
                    connection, conf, conf["people_base"], conf["people_filter"], ["uid"]
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Connection successful"),
                "message": self.env._("%(count)s people found in the directory.", count=count),
                "sticky": False,
            },
        }
