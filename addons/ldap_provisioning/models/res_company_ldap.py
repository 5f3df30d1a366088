import contextlib
import logging

import ldap
import psycopg2.errors
from ldap.controls import SimplePagedResultsControl
from ldap.filter import filter_format
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tools.translate import LazyTranslate

from odoo.addons.auth_ldap.models.res_company_ldap import LDAPWrapper

from ..ldap_utils import DirectoryError, SyncBusy, all_values, first_value, normalize_dn

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

# LDAP groups of a new provisioning directory, their label and the Odoo group they give.
DEFAULT_MAPPINGS = [
    (
        "referentiel-admin",
        _lt("Referential administrator"),
        "ldap_provisioning.group_referential_admin",
    ),
    ("eprocedures-admin", _lt("Administrator"), "collectivite_base.collectivite_group_admin"),
    ("manager", _lt("Manager"), "collectivite_base.collectivite_group_manager"),
    ("contributeur", _lt("Contributor"), "collectivite_base.collectivite_group_agent"),
]

PERSON_ATTRIBUTES = ["uid", "cn", "givenName", "sn", "mail", "telephoneNumber", "departmentNumber"]
SCHOOL_ATTRIBUTES = [
    "ou",
    "description",
    "businessCategory",
    "street",
    "postalCode",
    "l",
    "telephoneNumber",
]


class ResCompanyLdap(models.Model):
    """The collectivité's directory, extended for provisioning.

    Each step of a synchronisation is one overridable method: connect and bind
    (``_ldap_open``), paged search (``_ldap_paged_search``), fetch and parse
    (``_sync_fetch``, ``_sync_parse_person``, ``_sync_parse_school``), compare
    and apply (``_provision_agents``, ``_provision_schools``), archive with
    safety (``_sync_check_safety``, ``_archive_missing_agents``). Extension
    points for other addons: ``_provisioning_user_values`` and
    ``_after_provision``.
    """

    _name = "res.company.ldap"
    _inherit = ["res.company.ldap", "mail.thread"]
    _rec_names_search = ["company.name", "ldap_server"]

    # The bind password is stored by auth_ldap in its own column; only system
    # administrators may read it (never tracked, logged or posted).
    ldap_password = fields.Char(groups="base.group_system")
    company = fields.Many2one(index=True)
    is_provisioning = fields.Boolean(
        string="Provisioning directory",
        help="Agents, groups, schools and leisure centres of the company are provisioned "
        "from and to this directory.",
        tracking=True,
    )
    ldap_ssl = fields.Boolean(
        string="Use LDAPS",
        help="Connect with ldaps:// (TLS from the start). Use TLS above for StartTLS instead.",
        tracking=True,
    )
    ldap_tls_cacertfile = fields.Char(
        string="CA certificate file",
        help="Path, on the Odoo server, of the certificate(s) of the authority that signed the "
        "directory's certificate (StartTLS or LDAPS). Empty: the system's trusted authorities.",
    )
    ldap_network_timeout = fields.Integer(
        string="Network timeout (s)",
        default=10,
        help="Maximum wait to reach the server and for each answer.",
    )
    ldap_people_base = fields.Char(
        string="People branch", help="e.g. ou=people,dc=example,dc=org", tracking=True
    )
    ldap_people_filter = fields.Char(
        string="People filter", default="(objectClass=inetOrgPerson)", required=True
    )
    ldap_groups_base = fields.Char(
        string="Groups branch", help="e.g. ou=groups,dc=example,dc=org", tracking=True
    )
    ldap_schools_base = fields.Char(
        string="Schools branch",
        help="Branch of the schools and leisure centres, e.g. ou=schools,dc=example,dc=org",
        tracking=True,
    )
    ldap_page_size = fields.Integer(string="Page size", default=500)
    sync_batch_size = fields.Integer(
        string="Batch size",
        default=2500,
        help="Users created or updated per transaction by the scheduled synchronisation.",
    )
    archive_threshold = fields.Integer(
        string="Archive safety threshold (%)",
        default=50,
        help="When a synchronisation finds fewer entries than this share of the last "
        "synchronisation, nobody is archived and the administrators are notified.",
        tracking=True,
    )
    disable_mode = fields.Selection(
        [("groups", "Remove from the groups"), ("delete", "Delete the entry")],
        string="Disabling an agent",
        default="groups",
        required=True,
        help="What disabling an agent does in the directory. The Odoo user is archived in "
        "both cases, never deleted.",
        tracking=True,
    )
    group_mapping_ids = fields.One2many(
        "collectivite.ldap.group.mapping", "ldap_config_id", string="Group mapping"
    )
    user_ids = fields.One2many("res.users", "ldap_config_id", string="Provisioned users")
    user_count = fields.Integer(compute="_compute_user_count", string="Agents")
    last_sync_date = fields.Datetime(string="Last synchronisation", readonly=True)
    last_sync_count = fields.Integer(string="Entries at the last synchronisation", readonly=True)
    last_sync_active_count = fields.Integer(
        string="Agents in a mapped group at the last synchronisation", readonly=True
    )
    last_sync_state = fields.Selection(
        [
            ("done", "Done"),
            ("safety", "Done, archiving suspended"),
            ("failed", "Failed"),
        ],
        string="Last result",
        readonly=True,
    )
    last_sync_report = fields.Text(string="Report", readonly=True)

    _sql_constraints = [
        (
            "archive_threshold_range",
            "CHECK(archive_threshold >= 0 AND archive_threshold <= 100)",
            "The archive safety threshold is a percentage between 0 and 100.",
        ),
    ]

    @api.constrains("is_provisioning", "ldap_tls", "ldap_ssl")
    def _check_provisioning_tls(self):
        for config in self:
            if config.is_provisioning and not (config.ldap_tls or config.ldap_ssl):
                raise ValidationError(config._tls_required_message())

    def _tls_required_message(self):
        return self.env._(
            "The directory %(directory)s provisions agents: its connection must be encrypted. "
            "Tick StartTLS (Use TLS) or LDAPS.",
            directory=self.display_name,
        )

    def _check_system_admin(self):
        """Buttons of the configuration are for system administrators only."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(
                self.env._("Only system administrators synchronise or test a directory.")
            )

    @api.depends("company", "ldap_server", "ldap_server_port")
    def _compute_display_name(self):
        for config in self:
            config.display_name = "%s (%s:%s)" % (
                config.company.name or "",
                config.ldap_server or "",
                config.ldap_server_port or "",
            )

    def _compute_user_count(self):
        counts = dict(
            self.env["res.users"]
            .with_context(active_test=False)
            ._read_group([("ldap_config_id", "in", self.ids)], ["ldap_config_id"], ["__count"])
        )
        for config in self:
            config.user_count = counts.get(config, 0)

    @api.model_create_multi
    def create(self, vals_list):
        configs = super().create(vals_list)
        configs.filtered(
            lambda c: c.is_provisioning and not c.group_mapping_ids
        )._create_default_mappings()
        return configs

    # ------------------------------------------------------------------
    # Configuration helpers
    # ------------------------------------------------------------------
    @api.model
    def _default_mapping_values(self):
        """LDAP groups of a new provisioning directory and the Odoo groups they give."""
        return DEFAULT_MAPPINGS

    def _default_mappings_values(self):
        self.ensure_one()
        return [
            {
                "ldap_config_id": self.id,
                "sequence": sequence,
                "ldap_group_cn": cn,
                "name": label._translate("en_US"),
                "group_ids": [Command.set(self.env.ref(xmlid).ids)],
            }
            for sequence, (cn, label, xmlid) in enumerate(self._default_mapping_values())
        ]

    def _create_default_mappings(self):
        """Create the default mapping, labelled in every installed language."""
        values = [v for config in self for v in config._default_mappings_values()]
        mappings = self.env["collectivite.ldap.group.mapping"].with_context(lang="en_US")
        mappings = mappings.create(values)
        self._translate_default_mappings(mappings)
        return mappings

    def _translate_default_mappings(self, mappings):
        labels = {cn: label for cn, label, _xmlid in self._default_mapping_values()}
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        for mapping in mappings:
            label = labels.get(mapping.ldap_group_cn)
            if label and langs:
                mapping.update_field_translations(
                    "name", {code: label._translate(code) for code in langs}
                )

    def action_create_default_mappings(self):
        """Add the default LDAP groups missing from the mapping."""
        Mapping = self.env["collectivite.ldap.group.mapping"]
        for config in self:
            known = set(config.group_mapping_ids.mapped("ldap_group_cn"))
            mappings = Mapping.with_context(lang="en_US").create(
                [
                    values
                    for values in config._default_mappings_values()
                    if values["ldap_group_cn"] not in known
                ]
            )
            self._translate_default_mappings(mappings)
        return True

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

    def _provisioning_conf(self, require_tls=True):
        """The configuration of this directory as a dict (with the bind password).

        :param bool require_tls: refuse a directory reached without StartTLS or
            LDAPS (synchronisation and operations send the bind password and the
            agents' passwords)
        :raise DirectoryError: TLS required and not configured
        """
        self.ensure_one()
        config = self.sudo()  # sudo: the bind password is only readable by the system group
        if require_tls and not (config.ldap_tls or config.ldap_ssl):
            raise DirectoryError(self._tls_required_message())
        return {
            "id": config.id,
            "company": config.company.id,
            "company_name": config.company.name,
            "ldap_server": config.ldap_server,
            "ldap_server_port": config.ldap_server_port,
            "ldap_binddn": config.ldap_binddn or "",
            "ldap_password": config.ldap_password or "",
            "ldap_tls": config.ldap_tls,
            "ldap_ssl": config.ldap_ssl,
            "ldap_network_timeout": config.ldap_network_timeout or 10,
            "ldap_tls_cacertfile": config.ldap_tls_cacertfile,
            "ldap_base": config.ldap_base,
            "people_base": config.ldap_people_base or config.ldap_base,
            "people_filter": config.ldap_people_filter or "(objectClass=inetOrgPerson)",
            "groups_base": config.ldap_groups_base,
            "schools_base": config.ldap_schools_base,
            "page_size": config.ldap_page_size or 500,
        }

    # ------------------------------------------------------------------
    # Connection
    # ------------------------------------------------------------------
    def _connect(self, conf):
        """As auth_ldap, plus ldaps:// and network timeouts (login included)."""
        scheme = "ldaps" if conf.get("ldap_ssl") else "ldap"
        uri = "%s://%s:%d" % (scheme, conf["ldap_server"], conf["ldap_server_port"])
        timeout = conf.get("ldap_network_timeout") or 10
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
        return LDAPWrapper(connection)

    def _ldap_error_message(self, conf, error):
        """A French-ready message for an LDAP failure (never the bind password)."""
        server = "%s:%s" % (conf["ldap_server"], conf["ldap_server_port"])
        if isinstance(error, ldap.SERVER_DOWN | ldap.TIMEOUT | ldap.CONNECT_ERROR):
            return self.env._(
                "The LDAP directory %(server)s cannot be reached. Nothing was changed; "
                "try again later.",
                server=server,
            )
        if isinstance(error, ldap.INVALID_CREDENTIALS):
            return self.env._(
                "The LDAP directory %(server)s refused the connection account "
                "(bind DN %(binddn)s). Nothing was changed; check the configuration.",
                server=server,
                binddn=conf["ldap_binddn"] or "-",
            )
        detail = ""
        if error.args and isinstance(error.args[0], dict):
            detail = error.args[0].get("desc", "")
            if error.args[0].get("info"):
                detail = "%s (%s)" % (detail, error.args[0]["info"])
        return self.env._(
            "The LDAP directory %(server)s refused the operation: %(detail)s",
            server=server,
            detail=detail or error.__class__.__name__,
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
                with contextlib.suppress(ldap.LDAPError):
                    connection.unbind_s()

    def _ldap_paged_search(self, connection, conf, base, filterstr, attrs, scope=None):
        """All entries of a subtree search, fetched page by page (RFC 2696)."""
        scope = ldap.SCOPE_SUBTREE if scope is None else scope
        control = SimplePagedResultsControl(True, size=conf["page_size"], cookie="")
        timeout = conf["ldap_network_timeout"] * 6
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

    # ------------------------------------------------------------------
    # Fetch and parse
    # ------------------------------------------------------------------
    def _sync_parse_person(self, conf, dn, attrs):
        """Values of an agent from an LDAP entry, or ``(None, reason)``."""
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
        missing = [
            attribute
            for attribute, key in (("uid", "uid"), ("sn", "surname"), ("mail", "email"))
            if not values[key]
        ]
        if missing:
            return None, self.env._(
                "%(dn)s skipped: missing mandatory attribute(s) %(attributes)s.",
                dn=dn,
                attributes=", ".join(missing),
            )
        if not tools.single_email_re.match(values["email"]):
            return None, self.env._(
                "%(dn)s skipped: invalid email address %(email)s.", dn=dn, email=values["email"]
            )
        return values, None

    def _sync_parse_school(self, conf, dn, attrs):
        category = first_value(attrs, "businessCategory").lower()
        values = {
            "ldap_dn": dn,
            "code": first_value(attrs, "ou"),
            "name": first_value(attrs, "description"),
            "place_type": "leisure_centre"
            if category in ("leisure_centre", "centre_loisirs")
            else "school",
            "street": first_value(attrs, "street") or False,
            "zip": first_value(attrs, "postalCode") or False,
            "city": first_value(attrs, "l") or False,
            "phone": first_value(attrs, "telephoneNumber") or False,
        }
        if not values["code"] or not values["name"]:
            return None, self.env._(
                "%(dn)s skipped: a school or leisure centre needs ou and description.", dn=dn
            )
        return values, None

    def _sync_fetch(self, conf):
        """Read the directory: people, group memberships and schools.

        :return: dict with ``people`` (parsed values, ``group_cns`` filled),
            ``seen_uids`` (every uid found, parsed or skipped), ``entry_count``,
            ``schools``, ``group_cns`` (every LDAP group) and ``report`` lines.
        """
        report = []
        with self._ldap_open(conf) as connection:
            people_entries = self._ldap_paged_search(
                connection, conf, conf["people_base"], conf["people_filter"], PERSON_ATTRIBUTES
            )
            group_entries = []
            if conf["groups_base"]:
                group_entries = self._ldap_paged_search(
                    connection,
                    conf,
                    conf["groups_base"],
                    "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))",
                    ["cn", "member", "uniqueMember"],
                )
            school_entries = []
            if conf["schools_base"]:
                school_entries = self._ldap_paged_search(
                    connection,
                    conf,
                    conf["schools_base"],
                    "(objectClass=organizationalUnit)",
                    SCHOOL_ATTRIBUTES,
                    scope=ldap.SCOPE_ONELEVEL,
                )
        memberships = {}
        group_cns = []
        for _dn, attrs in group_entries:
            cn = first_value(attrs, "cn")
            if not cn:
                continue
            group_cns.append(cn)
            for member in all_values(attrs, "member") + all_values(attrs, "uniqueMember"):
                memberships.setdefault(normalize_dn(member), set()).add(cn)
        people = []
        seen_uids = set()
        for dn, attrs in people_entries:
            values, problem = self._sync_parse_person(conf, dn, attrs)
            uid = first_value(attrs, "uid").lower()
            if uid:
                seen_uids.add(uid)
            if problem:
                report.append(problem)
                continue
            values["group_cns"] = memberships.get(normalize_dn(dn), set())
            people.append(values)
        schools = []
        for dn, attrs in school_entries:
            values, problem = self._sync_parse_school(conf, dn, attrs)
            if problem:
                report.append(problem)
                continue
            schools.append(values)
        return {
            "people": people,
            "seen_uids": seen_uids,
            "entry_count": len(people_entries),
            "schools": schools,
            "group_cns": group_cns,
            "report": report,
        }

    # ------------------------------------------------------------------
    # Agents
    # ------------------------------------------------------------------
    def _managed_groups(self):
        """Odoo groups given by the mapping (with what they imply)."""
        groups = self.group_mapping_ids.group_ids
        return groups | groups.trans_implied_ids

    def _groups_for_cns(self, cns, cache=None):
        """Odoo groups of a set of LDAP groups (memoised in ``cache`` per set:
        agents share them)."""
        key = frozenset(cns)
        if cache is not None and key in cache:
            return cache[key]
        mappings = self.group_mapping_ids.filtered(lambda m: m.ldap_group_cn in cns)
        groups = mappings.group_ids
        if cache is not None:
            cache[key] = groups
        return groups

    def _provisioning_user_values(self, person, groups):
        """Values of the Odoo user of an agent (hook: category rights defaults...).

        :param dict person: parsed LDAP values (uid, dn, name, email...)
        :param groups: the Odoo groups the agent's LDAP groups map to
        """
        return {
            "name": person["name"],
            "email": person["email"],
            "phone": person["phone"] or False,
            "ldap_uid": person["uid"],
            "ldap_dn": person["dn"],
            "ldap_given_name": person["given_name"] or False,
            "ldap_surname": person["surname"] or False,
            "ldap_service": person["service"] or False,
        }

    def _after_provision(self, created, updated):
        """Hook called once per batch with the users created and updated."""
        return True

    @api.model
    def _protected_user_ids(self):
        """Users a synchronisation never touches, linked or not."""
        ids = {self.env.ref("base.user_root").id}
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        if admin:
            ids.add(admin.id)
        return ids

    def _user_differences(self, user, values, groups, managed=None):
        """The values to write on ``user`` (nothing when it is up to date)."""
        changes = {}
        for key, value in values.items():
            current = user[key]
            if key == "ldap_config_id":
                current = current.id
            if (current or False) != (value or False):
                changes[key] = value
        if not user.active:
            changes["active"] = True
        if self.company not in user.company_ids:
            changes["company_ids"] = [Command.link(self.company.id)]
        managed = self._managed_groups() if managed is None else managed
        wanted = groups | groups.trans_implied_ids
        current = user.groups_id & managed
        commands = [Command.link(g.id) for g in wanted - current]
        commands += [Command.unlink(g.id) for g in (current - wanted) & managed]
        if commands:
            changes["groups_id"] = commands
        return changes

    def _provision_agents(self, people, limit=None, strict=False):
        """Create or update the Odoo users of the given agents.

        Only users linked to this directory (or new ones) are written; values are
        compared first, so a run with nothing changed writes nothing.

        :param list people: parsed values (see ``_sync_parse_person``), with
            ``group_cns``; agents without any mapped group are left out
        :param int limit: at most this many users created or updated
        :param bool strict: raise instead of reporting (operations)
        :return: dict with ``created``, ``updated`` (users), ``remaining`` (count)
            and ``report`` lines
        """
        self.ensure_one()
        Users = self.env["res.users"].sudo().with_context(active_test=False)  # sudo: provisioning
        report = []
        uids = [person["uid"] for person in people]
        existing = Users.search_fetch(
            [("login", "in", uids)],
            [
                "login",
                "active",
                "share",
                "name",
                "email",
                "phone",
                "ldap_uid",
                "ldap_dn",
                "ldap_config_id",
                "ldap_given_name",
                "ldap_surname",
                "ldap_service",
                "groups_id",
                "company_ids",
            ],
        )
        by_login = {user.login.lower(): user for user in existing}
        protected = self._protected_user_ids()
        to_create, to_update = [], []
        managed = self._managed_groups()
        groups_cache = {}
        for person in people:
            groups = self._groups_for_cns(person["group_cns"], groups_cache)
            user = by_login.get(person["uid"])
            values = self._provisioning_user_values(person, groups)
            values["ldap_config_id"] = self.id
            if user and (user.id in protected or user.share or user.ldap_config_id.id != self.id):
                problem = self.env._(
                    "%(uid)s skipped: the login belongs to an Odoo user not linked to this "
                    "directory.",
                    uid=person["uid"],
                )
                if strict:
                    raise DirectoryError(problem)
                report.append(problem)
                continue
            if not groups:
                if strict:
                    raise DirectoryError(
                        self.env._(
                            "%(uid)s is in no mapped group of the directory.", uid=person["uid"]
                        )
                    )
                continue  # disabled in the directory: archived by the archive step
            if user:
                changes = self._user_differences(user, values, groups, managed)
                if changes:
                    to_update.append((user, changes))
            else:
                values.update(
                    login=person["uid"],
                    company_id=self.company.id,
                    company_ids=[Command.set(self.company.ids)],
                    groups_id=[Command.set(groups.ids)],
                )
                to_create.append(values)
        if limit is not None:
            pending = len(to_create) + len(to_update)
            to_create = to_create[:limit]
            to_update = to_update[: max(0, limit - len(to_create))]
        else:
            pending = None
        # The initials avatar Odoo gives internal users, prepared with the values:
        # its attachments are then created in one batch instead of one write per user.
        Partners = self.env["res.partner"]
        for values in to_create:
            if "image_1920" not in values:
                values["image_1920"] = Partners.new({"name": values["name"]})._avatar_generate_svg()
        if pending is None:
            pending = len(to_create) + len(to_update)
        created = Users.browse()
        if to_create:
            created = Users.with_context(
                no_reset_password=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                tracking_disable=True,
            ).create(to_create)
        updated = Users.browse()
        for user, changes in to_update:
            user.write(changes)
            updated |= user
        if created or updated:
            self._after_provision(created, updated)
        return {
            "created": created,
            "updated": updated,
            "remaining": pending - len(created) - len(updated),
            "report": report,
        }

    def _sync_check_safety(self, fetched):
        """Why archiving must not run now (a translated reason), or None."""
        count = fetched["entry_count"]
        if not count:
            return self.env._("The directory returned no entry: nobody was archived.")
        threshold = self.archive_threshold / 100.0
        if self.last_sync_count and count < self.last_sync_count * threshold:
            return self.env._(
                "The directory returned %(count)s entries, far fewer than the %(last)s of the "
                "last synchronisation (threshold %(threshold)s%%): nobody was archived.",
                count=count,
                last=self.last_sync_count,
                threshold=self.archive_threshold,
            )
        # The people are there but the groups are not (groups branch moved,
        # memberships wiped...): archiving would empty the application.
        active = fetched.get("active_count", count)
        last_active = self.last_sync_active_count
        if last_active and (not active or active < last_active * threshold):
            return self.env._(
                "Only %(count)s agents are in a mapped group, far fewer than the %(last)s of "
                "the last synchronisation (threshold %(threshold)s%%): nobody was archived.",
                count=active,
                last=last_active,
                threshold=self.archive_threshold,
            )
        return None

    def _archive_missing_agents(self, keep_uids):
        """Archive the active users linked to this directory whose uid is not in
        ``keep_uids`` (entry gone, or in no mapped group any more)."""
        Users = self.env["res.users"].sudo()  # sudo: provisioning of linked users only
        users = Users.search(
            [
                ("ldap_config_id", "=", self.id),
                ("share", "=", False),
                ("id", "not in", list(self._protected_user_ids())),
            ]
        )
        to_archive = users.filtered(lambda u: u.ldap_uid not in keep_uids)
        if to_archive:
            to_archive.write({"active": False})
        return to_archive

    # ------------------------------------------------------------------
    # Schools and leisure centres
    # ------------------------------------------------------------------
    def _provision_schools(self, schools, archive_missing=False):
        """Create, update (and archive when told) the schools of this directory."""
        self.ensure_one()
        Schools = self.env["collectivite.school"].sudo()  # sudo: provisioning, checked callers
        Schools = Schools.with_context(active_test=False)
        existing = Schools.search([("company_id", "=", self.company.id)])
        by_code = {school.code: school for school in existing}
        to_create, updated = [], Schools.browse()
        for values in schools:
            values = dict(values, ldap_config_id=self.id, company_id=self.company.id)
            school = by_code.get(values["code"])
            if not school:
                to_create.append(values)
                continue
            changes = {}
            for key, value in values.items():
                current = school[key]
                if isinstance(current, models.BaseModel):
                    current = current.id
                if (current or False) != (value or False):
                    changes[key] = value
            if not school.active:
                changes["active"] = True
            if changes:
                school.write(changes)
                updated |= school
        created = Schools.create(to_create) if to_create else Schools.browse()
        archived = Schools.browse()
        if archive_missing:
            codes = {values["code"] for values in schools}
            archived = existing.filtered(
                lambda s: s.active and s.ldap_config_id == self and s.code not in codes
            )
            if archived:
                archived.write({"active": False})
        return {"created": created, "updated": updated, "archived": archived}

    # ------------------------------------------------------------------
    # Synchronisation
    # ------------------------------------------------------------------
    def _sync_new_groups(self, group_cns):
        """LDAP groups unknown to the mapping are added, to be mapped by an admin."""
        known = set(self.group_mapping_ids.mapped("ldap_group_cn"))
        new = [cn for cn in dict.fromkeys(group_cns) if cn not in known]
        if new:
            self.env["collectivite.ldap.group.mapping"].create(
                [{"ldap_config_id": self.id, "ldap_group_cn": cn, "name": cn} for cn in new]
            )
        return new

    def _sync_directory(self, limit=None):
        """One step of the synchronisation of this directory.

        Creates or updates at most ``limit`` users; once nothing is left to
        create or update, updates the schools and archives what disappeared
        (unless a safety check stops it) and records the result.

        :return: dict with ``done``, ``remaining`` and ``report`` (lines)
        :raise DirectoryError: unreachable directory, bind refused...
        """
        self.ensure_one()
        self._sync_lock()
        conf = self._provisioning_conf()
        fetched = self._sync_fetch(conf)
        report = list(fetched["report"])
        new_groups = self._sync_new_groups(fetched["group_cns"])
        for cn in new_groups:
            report.append(
                self.env._(
                    "LDAP group %(cn)s is not mapped to Odoo groups: its members get none.", cn=cn
                )
            )
        result = self._provision_agents(fetched["people"], limit=limit)
        report += result["report"]
        done = len(result["created"]) + len(result["updated"])
        if result["remaining"]:
            return {"done": done, "remaining": result["remaining"], "report": report}

        mapped_cns = set(self.group_mapping_ids.filtered("group_ids").mapped("ldap_group_cn"))
        active_uids = {
            person["uid"] for person in fetched["people"] if person["group_cns"] & mapped_cns
        }
        parsed_uids = {person["uid"] for person in fetched["people"]}
        fetched["active_count"] = len(active_uids)
        safety = self._sync_check_safety(fetched)
        archived = self.env["res.users"]
        schools = {"created": [], "updated": [], "archived": []}
        if safety:
            report.append(safety)
            _logger.warning("LDAP synchronisation of %s: %s", self.company.name, safety)
        else:
            # Entries skipped for a problem keep their user as it is.
            skipped_uids = fetched["seen_uids"] - parsed_uids
            archived = self._archive_missing_agents(active_uids | skipped_uids)
        if self.ldap_schools_base:
            schools = self._provision_schools(
                fetched["schools"], archive_missing=not safety and bool(fetched["schools"])
            )
        done += len(archived) + len(schools["created"]) + len(schools["updated"])
        done += len(schools["archived"])
        summary = self.env._(
            "%(created)s agent(s) created, %(updated)s updated, %(archived)s archived; "
            "%(schools)s school(s) or leisure centre(s) created or updated.",
            created=len(result["created"]),
            updated=len(result["updated"]),
            archived=len(archived),
            schools=len(schools["created"]) + len(schools["updated"]),
        )
        self._sync_record(fetched, safety, report, summary, changed=bool(done or new_groups))
        return {"done": done, "remaining": 0, "report": report}

    def _sync_lock(self):
        """Lock this directory for the transaction; refuse if another sync holds it."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM res_company_ldap WHERE id = %s FOR UPDATE NOWAIT", [self.id]
                )
        except psycopg2.errors.LockNotAvailable:
            raise SyncBusy(
                self.env._(
                    "A synchronisation of the directory of %(company)s is already running.",
                    company=self.company.name,
                )
            ) from None

    def _sync_record(self, fetched, safety, report, summary, changed):
        """Store the result of a finished synchronisation; notify when needed.

        Administrators are notified when the directory enters the "archiving
        suspended" state, not again at every run while it stays there.
        """
        previous_state = self.last_sync_state
        values = {
            "last_sync_date": fields.Datetime.now(),
            "last_sync_state": "safety" if safety else "done",
            "last_sync_report": "\n".join([summary, *report]),
        }
        if not safety:
            values["last_sync_count"] = fetched["entry_count"]
            values["last_sync_active_count"] = fetched["active_count"]
        self.sudo().write(values)  # sudo: the cron user may not be a system admin
        if safety and previous_state != "safety":
            self._notify_admins(safety, report)
        elif changed:
            self.message_post(body=summary, subtype_xmlid="mail.mt_note")

    def _sync_failed(self, message):
        """Record a failed synchronisation; notify once when the failures start."""
        _logger.warning("LDAP synchronisation of %s failed: %s", self.company.name, message)
        previous_state = self.last_sync_state
        self.sudo().write(  # sudo: the cron user may not be a system admin
            {
                "last_sync_date": fields.Datetime.now(),
                "last_sync_state": "failed",
                "last_sync_report": message,
            }
        )
        if previous_state != "failed":
            self._notify_admins(message, [])

    def _notify_admins(self, message, report):
        """Post the problem on the directory and notify its administrators."""
        admins = self.env.ref("ldap_provisioning.group_referential_admin").users
        admins |= self.env.ref("base.group_system").users
        admins = admins.filtered(lambda u: not u.share and self.company in u.company_ids)
        body = Markup("<br/>").join([message, *report[:50]])  # each line escaped
        self.message_post(
            body=body,
            subject=self.env._("LDAP synchronisation of %(company)s", company=self.company.name),
            partner_ids=admins.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def action_sync(self):
        """Synchronise now, in this transaction (button of the configuration)."""
        self._check_system_admin()
        results = []
        for config in self:
            try:
                while True:
                    step = config._sync_directory()
                    if not step["remaining"]:
                        break
            except SyncBusy as error:
                results.append(str(error))
                continue
            except DirectoryError as error:
                config._sync_failed(str(error))
                results.append(str(error))
                continue
            results.append(config.last_sync_report)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("LDAP synchronisation"),
                "message": "\n".join(results),
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_sync_later(self):
        """Ask the scheduled action to run as soon as possible (large directories)."""
        self._check_system_admin()
        self.env.ref("ldap_provisioning.ir_cron_ldap_sync")._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("The synchronisation will start in a moment."),
                "sticky": False,
            },
        }

    @api.model
    def _cron_sync_directory(self):
        """Scheduled synchronisation: one batch per directory and run."""
        done = remaining = 0
        configs = self.search([("is_provisioning", "=", True)])
        for config in configs:
            try:
                step = config._sync_directory(limit=config.sync_batch_size or None)
            except SyncBusy as error:
                _logger.info("%s", error)  # the running synchronisation goes on
                continue
            except DirectoryError as error:
                config._sync_failed(str(error))
                continue
            done += step["done"]
            remaining += step["remaining"]
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return {"done": done, "remaining": remaining}

    def action_open_users(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ldap_provisioning.res_users_action_ldap_agents"
        )
        action["domain"] = [("ldap_config_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action

    # ------------------------------------------------------------------
    # Single entries (operations)
    # ------------------------------------------------------------------
    def _ldap_find_person(self, connection, conf, uid):
        """``(dn, attrs)`` of the person with this uid in the people branch, or None."""
        filterstr = "(&%s%s)" % (conf["people_filter"], filter_format("(uid=%s)", [uid]))
        found = self._ldap_paged_search(
            connection, conf, conf["people_base"], filterstr, PERSON_ATTRIBUTES
        )
        return found[0] if found else None

    def _ldap_find_school(self, connection, conf, code):
        filterstr = filter_format("(&(objectClass=organizationalUnit)(ou=%s))", [code])
        found = self._ldap_paged_search(
            connection,
            conf,
            conf["schools_base"],
            filterstr,
            SCHOOL_ATTRIBUTES,
            scope=ldap.SCOPE_ONELEVEL,
        )
        return found[0] if found else None
