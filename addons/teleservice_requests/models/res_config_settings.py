from odoo import fields, models


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
    teleservice_notify_new_request = fields.Boolean(
        string="Mail agents for each new request",
        config_parameter="teleservice_requests.notify_new_request",
        default=True,
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
