from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tools.translate import LazyTranslate

from .. import ldap_client
from ..exceptions import DirectoryError

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


class ResCompanyLdap(models.Model):
    """The collectivité's directory, extended for provisioning: its configuration.

    The rest of the model is one file per concern:

    - ``res_company_ldap_connection.py``: connection, bind and searches (LDAPS,
      timeouts, errors), and the logins of ``auth_ldap``;
    - ``res_company_ldap_sync.py``: the synchronisation (fetch and parse,
      safety checks, result, notifications, buttons and scheduled action);
    - ``res_company_ldap_provisioning.py``: agents and schools created,
      updated and archived from parsed entries (hooks
      ``_provisioning_user_values`` and ``_after_provision``).

    The python-ldap calls are in ``ldap_client.py`` and the meaning of the
    entries in ``entry_mapping.py`` (plain Python, tested without a database).
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
    # Default group mapping
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

    # ------------------------------------------------------------------
    # The configuration handed to the connection and the synchronisation
    # ------------------------------------------------------------------
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
            "ldap_network_timeout": config.ldap_network_timeout or ldap_client.DEFAULT_TIMEOUT,
            "ldap_tls_cacertfile": config.ldap_tls_cacertfile,
            "ldap_base": config.ldap_base,
            "people_base": config.ldap_people_base or config.ldap_base,
            "people_filter": config.ldap_people_filter or "(objectClass=inetOrgPerson)",
            "groups_base": config.ldap_groups_base,
            "schools_base": config.ldap_schools_base,
            "page_size": config.ldap_page_size or ldap_client.DEFAULT_PAGE_SIZE,
        }

    def action_open_users(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ldap_provisioning.res_users_action_ldap_agents"
        )
        action["domain"] = [("ldap_config_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action
