from odoo import fields, models

from .collectivite_category_right import DEFAULT_RIGHT_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    teleservice_qos_delay_days = fields.Integer(
        string="Default instruction time (working days)",
        config_parameter="teleservice_requests.qos_delay_days",
        default=10,
    )
    teleservice_qos_alert_days = fields.Integer(
        string="Default alert (working days before the deadline)",
        config_parameter="teleservice_requests.qos_alert_days",
        default=3,
    )
    teleservice_lock_minutes = fields.Integer(
        string="Lock duration (minutes)",
        config_parameter="teleservice_requests.lock_minutes",
        default=30,
    )
    # No default: switched off, the parameter is removed and must read as off
    # (the data file sets it on at installation only).
    teleservice_notify_new_request = fields.Boolean(
        string="Mail agents for each new request",
        config_parameter="teleservice_requests.notify_new_request",
    )
    teleservice_default_agent_right = fields.Selection(
        [("none", "No access"), ("read", "Consultation"), ("write", "Modification")],
        string="Default right of an agent",
        config_parameter=DEFAULT_RIGHT_PARAM,
        default="none",
        required=True,
        help="Right of an agent on a category without a line of their own "
        "(managers manage every category of their collectivités).",
    )
    teleservice_qos_digest_mode = fields.Selection(
        [("none", "No mail"), ("detailed", "Detailed"), ("summary", "Summarised")],
        string="Daily quality-of-service mail",
        config_parameter="teleservice_requests.qos_digest_mode",
        default="detailed",
    )
    teleservice_draft_retention_days = fields.Integer(
        string="Drafts kept (days)",
        config_parameter="teleservice_requests.draft_retention_days",
        default=30,
    )
    teleservice_draft_notice_days = fields.Integer(
        string="Notice before deleting a draft (days)",
        config_parameter="teleservice_requests.draft_notice_days",
        default=5,
    )
    teleservice_allowed_mimetypes = fields.Char(
        string="Allowed file types",
        config_parameter="teleservice_requests.allowed_mimetypes",
        default="application/pdf,image/jpeg,image/png",
    )
    teleservice_max_file_size_mb = fields.Integer(
        string="Maximum file size (MB)",
        config_parameter="teleservice_requests.max_file_size_mb",
        default=5,
    )

    def set_values(self):
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        before = params.get_param(DEFAULT_RIGHT_PARAM)
        super().set_values()
        if params.get_param(DEFAULT_RIGHT_PARAM) != before:
            # Record rules read the agents' categories: drop their caches.
            self.env["collectivite.category.right"]._rights_changed()

    def action_load_standard_catalogue(self):
        return self.env["collectivite.teleservice"].action_load_standard_catalogue()
