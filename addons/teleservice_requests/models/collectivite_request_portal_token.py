import hashlib
import hmac
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import consteq

from odoo.addons.household_accounts.form_values import text_problem

RATE_LIMIT_PARAM = "teleservice_requests.anonymous_rate_limit"
# Tracking codes: no letters read alike (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


class CollectiviteRequest(models.Model):
    """Procedures without an account: the visitor's request is reached by a
    private link (``access_token``) and a tracking code; submissions are
    limited per address (network address and e-mail) and per hour."""

    # One file per concern of the request, on purpose: nothing to merge.
    _name = "collectivite.request"
    _inherit = ["collectivite.request", "portal.mixin"]  # pylint: disable=consider-merging-classes-inherited

    tracking_code = fields.Char(copy=False, readonly=True, groups="base.group_user")
    portal_address_hash = fields.Char(
        copy=False, readonly=True, index=True, groups="base.group_system"
    )
    requester_email = fields.Char(related="requester_id.email", string="Requester e-mail")

    # ------------------------------------------------------------- access
    @api.model
    def _portal_anonymous_domain(self):
        return [("channel", "=", "portal"), ("teleservice_id.needs_household", "=", False)]

    @api.model
    def _portal_check_token(self, request_id, access_token, draft=False):
        """The visitor's request (a superuser record) whose private link is
        ``access_token``; any other id or token raises the same error."""
        # sudo: found by id only when the token matches, compared in constant time
        record = self.sudo().browse(request_id).exists()
        if (
            not record
            or not access_token
            or not isinstance(access_token, str)
            or not record.access_token
            or not consteq(record.access_token, access_token)
            or not record.filtered_domain(self._portal_anonymous_domain())
            or (record.state == "draft") != draft
        ):
            raise AccessError(self.env._("This link is not valid."))
        return record

    @api.model
    def _portal_check_token_draft(self, draft_id, access_token):
        return self._portal_check_token(draft_id, access_token, draft=True)

    @api.model
    def _portal_find_by_code(self, number, code, email):
        """The request of number ``number`` whose tracking code is ``code`` and
        whose requester's e-mail is ``email``, or an empty recordset (the same
        whatever was wrong)."""
        if not all(
            isinstance(v, str) and 0 < len(v) <= 200 and not text_problem(v)
            for v in (number, code, email)
        ):
            return self.browse()
        # sudo: a search by exact number; the code and the e-mail are checked below
        found = self.sudo().search(
            [("name", "=", number.strip()), ("state", "!=", "draft")]
            + self._portal_anonymous_domain(),
            limit=1,
        )
        if (
            not found
            or not found.tracking_code
            or not consteq(found.tracking_code, code.strip().upper())
            or (found.requester_id.email or "").strip().lower() != email.strip().lower()
        ):
            return self.browse()
        return found

    # ------------------------------------------------------------ creation
    @api.model
    def _portal_address_hash(self, address):
        secret = (
            self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        )  # sudo: key of the hash
        return hmac.new(secret.encode(), (address or "").encode(), hashlib.sha256).hexdigest()

    @api.model
    def _portal_check_rate(self, address_hash, email):
        """Refuse a visitor above the hourly limit of new requests, counted per
        network address and per e-mail."""
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        limit = int(params.get_param(RATE_LIMIT_PARAM, 5))
        since = fields.Datetime.now() - timedelta(hours=1)
        Request = self.sudo()  # sudo: counting recent requests, nothing returned
        count = max(
            Request.search_count(
                [("portal_address_hash", "=", address_hash), ("create_date", ">=", since)]
            ),
            Request.search_count(
                [
                    ("channel", "=", "portal"),
                    ("requester_id.email", "=ilike", email),
                    ("create_date", ">=", since),
                ]
            ),
        )
        if count >= limit:
            raise UserError(
                self.env._(
                    "Too many requests have been made from this address in the last hour: "
                    "please try again later."
                )
            )

    @api.model
    def _portal_new_anonymous(self, teleservice, name, email, address):
        """A visitor's new draft for ``teleservice`` (online, without account:
        checked by the caller), with its requester, private link and tracking
        code."""
        address_hash = self._portal_address_hash(address)
        self._portal_check_rate(address_hash, email)
        requester = (
            self.env["res.partner"]
            .sudo()
            .create(  # sudo: the visitor as requester
                {"name": name, "email": email, "company_id": teleservice.company_id.id}
            )
        )
        draft = self.sudo().create(  # sudo: a visitor's draft, see above
            {
                "teleservice_id": teleservice.id,
                "channel": "portal",
                "requester_id": requester.id,
                "portal_address_hash": address_hash,
                "tracking_code": "".join(
                    secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH)
                ),
            }
        )
        draft._portal_ensure_token()
        return draft

    def _portal_send_tracking(self):
        """E-mail the visitor their request's number, tracking code and link."""
        template = self.env.ref("teleservice_requests.mail_template_anonymous_tracking")
        for record in self.filtered(lambda r: r.requester_id.email and r.tracking_code):
            template.send_mail(record.id)

    def _portal_tracking_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/demarches/suivi/{self.id}?access_token={self.access_token}"
