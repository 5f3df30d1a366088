from odoo import api, fields, models

QOS_DELAY_PARAM = "teleservice_requests.qos_delay_days"
QOS_ALERT_PARAM = "teleservice_requests.qos_alert_days"


class CollectiviteTeleservice(models.Model):
    """A téléservice: the type of procedure a citizen asks for."""

    _name = "collectivite.teleservice"
    _description = "Téléservice"
    _inherit = ["mail.thread"]
    # Integer order: statistics group millions of requests by téléservice.
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Html(translate=True)
    category_id = fields.Many2one("collectivite.category", required=True, index=True, tracking=True)
    company_id = fields.Many2one(
        related="category_id.company_id", store=True, index=True, readonly=True
    )
    is_online = fields.Boolean(
        string="Online", default=True, tracking=True, help="Citizens may file it online."
    )
    needs_household = fields.Boolean(
        string="Needs a household account",
        help="School enrolment needs a household; a civil-status certificate does not.",
    )
    justificatif_type_ids = fields.Many2many(
        "collectivite.justificatif.type",
        string="Required justificatifs",
        check_company=True,
        help="Leave empty for a procedure without justificatif step.",
    )
    field_ids = fields.One2many("collectivite.form.field", "teleservice_id", string="Form fields")
    season_ids = fields.One2many("collectivite.season", "teleservice_id", string="Seasons")
    qos_delay_days = fields.Integer(
        string="Instruction time (working days)",
        help="Maximum instruction time; 0 uses the platform settings.",
    )
    qos_alert_days = fields.Integer(
        string="Alert (working days before)",
        help="Requests become urgent this many working days before their deadline; "
        "0 uses the platform settings.",
    )
    legal_regime = fields.Selection(
        [
            ("none", "None"),
            ("acceptance", "Silence means acceptance"),
            ("rejection", "Silence means rejection"),
        ],
        required=True,
        default="none",
    )
    legal_delay_months = fields.Integer(string="Legal delay (months)", default=2)
    retention_months = fields.Integer(
        string="Retention after closing (months)",
        default=24,
        help="Closed requests are anonymised once this period has elapsed.",
    )
    lock_minutes = fields.Integer(
        string="Lock duration (minutes)",
        help="How long opening a request locks it to the agent; 0 uses the platform settings.",
    )
    request_ids = fields.One2many("collectivite.request", "teleservice_id")
    request_count = fields.Integer(compute="_compute_request_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a téléservice must be unique in its collectivité.",
        ),
        (
            "qos_positive",
            "CHECK(qos_delay_days >= 0 AND qos_alert_days >= 0)",
            "Quality-of-service delays cannot be negative.",
        ),
        ("lock_positive", "CHECK(lock_minutes >= 0)", "The lock duration cannot be negative."),
    ]

    def _compute_request_count(self):
        counts = dict(
            self.env["collectivite.request"]._read_group(
                [("teleservice_id", "in", self.ids)], ["teleservice_id"], ["__count"]
            )
        )
        for teleservice in self:
            teleservice.request_count = counts.get(teleservice, 0)

    @api.model
    def _qos_defaults(self):
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        return (
            int(params.get_param(QOS_DELAY_PARAM, 10)),
            int(params.get_param(QOS_ALERT_PARAM, 3)),
        )

    def _qos_delays(self, defaults=None):
        """(instruction time, alert) in working days, with the settings as fallback."""
        self.ensure_one()
        delay, alert = defaults or self._qos_defaults()
        delay = self.qos_delay_days or delay
        alert = min(self.qos_alert_days or alert, delay)
        return delay, alert

    def _open_season(self, when):
        """The season whose registration period contains ``when`` (a date)."""
        self.ensure_one()
        return self.season_ids.filtered(
            lambda s: s.date_registration_start <= when <= s.date_registration_end
        )[:1]

    def action_open_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "teleservice_requests.collectivite_request_action"
        )
        action["domain"] = [("teleservice_id", "=", self.id)]
        action["context"] = {"default_teleservice_id": self.id}
        return action
