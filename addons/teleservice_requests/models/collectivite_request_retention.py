from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.osv import expression

from .collectivite_request import DONE_STATES

DRAFT_RETENTION_PARAM = "teleservice_requests.draft_retention_days"
DRAFT_NOTICE_PARAM = "teleservice_requests.draft_notice_days"


class CollectiviteRequest(models.Model):
    """RGPD retention of requests: citizens' unsent drafts are deleted after
    the retention (once warned); closed requests are anonymised once their
    téléservice's retention after closing has elapsed."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    date_draft_notice = fields.Datetime(copy=False, readonly=True)
    is_anonymized = fields.Boolean(readonly=True, copy=False, index=True)

    @api.model
    def _cron_purge_drafts(self, batch_size=500):
        """Delete citizens' unsent drafts after the retention, once warned."""
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        retention = int(params.get_param(DRAFT_RETENTION_PARAM, 30))
        notice = min(int(params.get_param(DRAFT_NOTICE_PARAM, 5)), retention)
        now = fields.Datetime.now()
        notice_domain = [
            ("state", "=", "draft"),
            ("date_draft_notice", "=", False),
            ("create_date", "<=", now - timedelta(days=retention - notice)),
        ]
        purge_domain = [
            ("state", "=", "draft"),
            ("date_draft_notice", "<=", now - timedelta(days=notice)),
            ("create_date", "<=", now - timedelta(days=retention)),
        ]
        to_warn = self.search(notice_domain, limit=batch_size, order="id")
        for request in to_warn.filtered("requester_id"):
            request.message_post_with_source(
                "teleservice_requests.mail_template_draft_purge_notice",
                subtype_xmlid="mail.mt_comment",
                author_id=self._system_partner().id,
            )
        to_warn.write({"date_draft_notice": now})
        to_purge = self.search(purge_domain, limit=batch_size, order="id")
        to_purge.unlink()
        remaining = self.search_count(expression.OR([notice_domain, purge_domain]))
        self.env["ir.cron"]._notify_progress(done=len(to_warn) + len(to_purge), remaining=remaining)
        return remaining

    @api.model
    def _anonymize_domain(self):
        now = fields.Datetime.now()
        teleservices = self.env["collectivite.teleservice"].with_context(active_test=False)
        per_teleservice = [
            [
                ("teleservice_id", "=", teleservice.id),
                ("date_closed", "<=", now - relativedelta(months=teleservice.retention_months)),
            ]
            for teleservice in teleservices.search([])
        ]
        return expression.AND(
            [
                [("state", "in", DONE_STATES), ("is_anonymized", "=", False)],
                expression.OR(per_teleservice) if per_teleservice else [(0, "=", 1)],
            ]
        )

    def _anonymize(self):
        """Remove personal data and files; keep dates, states, téléservice and
        quality figures for statistics."""
        ids = self.ids
        self.env["mail.message"].search(
            [("model", "=", self._name), ("res_id", "in", ids)]
        ).unlink()
        self.env["mail.followers"].search(
            [("res_model", "=", self._name), ("res_id", "in", ids)]
        ).unlink()
        self.env["mail.activity"].search(
            [("res_model", "=", self._name), ("res_id", "in", ids)]
        ).unlink()
        # Only the files the requests own: the files of their form's file fields
        # are bound to them when set (``_collectivite_bind``); an attachment of
        # another record (a justificatif's page) is never deleted here.
        self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "in", ids)]
        ).unlink()
        self.value_ids.unlink()
        self.with_context(tracking_disable=True, mail_notrack=True).write(
            {
                "requester_id": False,
                "subject_id": False,
                "household_id": False,
                "comment": False,
                "justificatif_ids": [Command.clear()],
                "lock_user_id": False,
                "lock_expiry": False,
                "is_anonymized": True,
            }
        )
        self._system_log(
            self.with_context(lang=self._system_lang()).env._(
                "Anonymised: the retention period after closing has elapsed."
            )
        )

    @api.model
    def _cron_anonymize(self, batch_size=1000):
        """RGPD: anonymise closed requests past their téléservice's retention."""
        domain = self._anonymize_domain()
        requests = self.search(domain, limit=batch_size, order="id")
        requests._anonymize()
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(requests), remaining=remaining)
        return remaining
