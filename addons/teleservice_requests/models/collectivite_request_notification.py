from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools.sql import create_index

from .collectivite_request import OPEN_STATES

NOTIFY_NEW_PARAM = "teleservice_requests.notify_new_request"
DIGEST_PARAM = "teleservice_requests.qos_digest_mode"


class CollectiviteRequest(models.Model):
    """Notes and mails of a request: the history's subtypes, the notes for
    agents or for the citizen, the mail to the agents in charge of a new
    request and the daily quality-of-service digest (each sent once)."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    qos_notified_level = fields.Selection(
        [("none", "None"), ("urgent", "Urgent"), ("late", "Late")],
        default="none",
        required=True,
        copy=False,
        help="Last quality-of-service alert mailed to the agents (never twice).",
    )
    is_new_notified = fields.Boolean(copy=False, readonly=True)

    def init(self):
        """The new-request notification cron's candidates: few rows (new, sent
        requests not yet notified) among millions; the predicate is the one the
        ORM writes for its domain."""
        super().init()
        cr, table = self.env.cr, self._table
        create_index(
            cr,
            f"{table}_new_notify_idx",
            table,
            ["id"],
            where=f"({table}.state != 'draft' OR {table}.state IS NULL) "
            f"AND ({table}.is_new_notified IS NULL OR {table}.is_new_notified = FALSE)",
        )

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "state" in init_values:
            return self.env.ref("teleservice_requests.mail_subtype_request_state")
        return super()._track_subtype(init_values)

    def _post_internal_note(self, body):
        """A note for agents only: never shown in the citizen's space."""
        return self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _post_citizen_note(self, body):
        """A note the citizen sees in their space (and may answer)."""
        self.ensure_one()
        return self.message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="teleservice_requests.mail_subtype_citizen_note",
            partner_ids=self.requester_id.ids,
        )

    @api.model
    def _notified_agents(self, requests):
        """{user: requests} of the agents who may modify each request."""
        users = self.env.ref("collectivite_base.collectivite_group_agent").users
        users = users.filtered(lambda u: u.active and not u.share and u.email)
        result = {}
        for user in users:
            mine = requests.filtered(
                lambda r, user=user: (
                    r.category_id in user.teleservice_write_category_ids
                    and r.company_id in user.company_ids
                )
            )
            if mine:
                result[user] = mine
        return result

    @api.model
    def _cron_notify_new_requests(self, batch_size=200):
        """A mail to the agents in charge for each new request (settings)."""
        domain = [("state", "!=", "draft"), ("is_new_notified", "=", False)]
        requests = self.search(domain, limit=batch_size, order="id")
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        # Off when the settings removed the parameter (never defaulted to on).
        if params.get_param(NOTIFY_NEW_PARAM, "False") not in ("False", "0", ""):
            partners_by_request = defaultdict(lambda: self.env["res.partner"])
            for user, user_requests in self._notified_agents(requests).items():
                for request in user_requests:
                    partners_by_request[request] |= user.partner_id
            for request in requests:
                if partners_by_request[request]:
                    request.message_post_with_source(
                        "teleservice_requests.mail_template_new_request",
                        subtype_xmlid="mail.mt_note",
                        author_id=self._system_partner().id,
                        partner_ids=partners_by_request[request].ids,
                    )
        requests.write({"is_new_notified": True})
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(requests), remaining=remaining)
        return remaining

    @api.model
    def _digest_subject(self):
        return self.env._("Requests to instruct: quality-of-service alerts")

    @api.model
    def _cron_qos_digest(self, batch_size=5000):
        """Daily mail of newly urgent / late requests, detailed (a line each) or
        summarised (counts) per agent; each alert level is mailed once."""
        domain = [
            ("state", "in", OPEN_STATES),
            "|",
            "&",
            ("is_late", "=", True),
            ("qos_notified_level", "!=", "late"),
            "&",
            ("is_urgent", "=", True),
            ("qos_notified_level", "=", "none"),
        ]
        requests = self.search(domain, limit=batch_size, order="date_qos_deadline, id")
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        mode = params.get_param(DIGEST_PARAM, "detailed")
        if mode != "none" and requests:
            mails = []
            for user, user_requests in self._notified_agents(requests).items():
                body = self.env["ir.qweb"]._render(
                    "teleservice_requests.mail_qos_digest",
                    {
                        "user": user,
                        "requests": user_requests.with_user(user).with_context(lang=user.lang),
                        "late": user_requests.filtered("is_late"),
                        "urgent": user_requests.filtered(lambda r: not r.is_late),
                        "detailed": mode == "detailed",
                    },
                    lang=user.lang,
                )
                mails.append(
                    {
                        "subject": self.with_context(lang=user.lang)._digest_subject(),
                        "body_html": body,
                        "email_to": user.email_formatted,
                        "recipient_ids": [Command.link(user.partner_id.id)],
                        "auto_delete": True,
                    }
                )
            self.env["mail.mail"].sudo().create(mails)  # sudo: cron mails to agents
        late = requests.filtered("is_late")
        late.write({"qos_notified_level": "late"})
        (requests - late).write({"qos_notified_level": "urgent"})
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(requests), remaining=remaining)
        return remaining
