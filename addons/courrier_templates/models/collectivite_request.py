import datetime

from odoo import api, fields, models
from odoo.tools import format_date, ormcache

# The agent's observation, given to the rendering of one letter (not a security
# decision: it is only text put into the letter).
OBSERVATION_KEY = "letter_observation"

# Many2one fields of a request whose plain fields a template may show without the
# template-editor right.
PLACEHOLDER_RELATIONS = (
    "teleservice_id",
    "category_id",
    "company_id",
    "requester_id",
    "subject_id",
    "household_id",
    "season_id",
)
PLACEHOLDER_TYPES = (
    "char",
    "text",
    "integer",
    "float",
    "monetary",
    "date",
    "datetime",
    "selection",
    "boolean",
)


class CollectiviteRequest(models.Model):
    """What letters need from a request: the letter variables (formatted for a
    French letter, picked in the editor's placeholder list), the letters and
    contacts in its history and the "Contacter l'usager" action."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    letter_ids = fields.One2many("collectivite.letter", "request_id", string="Contacts")
    letter_count = fields.Integer(compute="_compute_letter_count", string="Contact count")

    letter_observation = fields.Char(
        "Observation", compute="_compute_letter_variables", help="Filled by the agent at sending."
    )
    letter_date_today = fields.Char("Today's date", compute="_compute_letter_variables")
    letter_agent_name = fields.Char("Agent's name", compute="_compute_letter_variables")
    letter_date_created = fields.Char("Creation date", compute="_compute_letter_variables")
    letter_date_submitted = fields.Char("Date received", compute="_compute_letter_variables")
    letter_date_validated = fields.Char("Validation date", compute="_compute_letter_variables")
    letter_date_legal_decision = fields.Char(
        "Implicit decision date (in words)", compute="_compute_letter_variables"
    )
    letter_legal_decision_nature = fields.Char(
        "Nature of the implicit decision", compute="_compute_letter_variables"
    )
    letter_household_number = fields.Char(
        "Household account number", compute="_compute_letter_variables"
    )
    letter_requester_civility = fields.Char(
        "Requester's civility", compute="_compute_letter_variables"
    )
    letter_requester_firstname = fields.Char(
        "Requester's first name", compute="_compute_letter_variables"
    )
    letter_requester_lastname = fields.Char(
        "Requester's last name", compute="_compute_letter_variables"
    )
    letter_requester_login = fields.Char("Requester's login", compute="_compute_letter_variables")
    letter_address_line1 = fields.Char("Address line 1", compute="_compute_letter_variables")
    letter_address_line2 = fields.Char("Address line 2", compute="_compute_letter_variables")
    letter_address_line3 = fields.Char("Address line 3", compute="_compute_letter_variables")
    letter_missing_documents = fields.Char("Missing documents", compute="_compute_letter_variables")

    def _portal_letters(self):
        """The letters and e-mails about this request the current user may read
        (for a citizen: their household's, by the portal record rule)."""
        self.ensure_one()
        Letter = self.env["collectivite.letter"]
        if not Letter.has_access("read"):
            return Letter
        return Letter.search([("request_id", "=", self.id)], order="date desc, id desc")

    def _compute_letter_count(self):
        counts = dict(
            self.env["collectivite.letter"]._read_group(
                [("request_id", "in", self.ids)], ["request_id"], ["__count"]
            )
        )
        for request in self:
            request.letter_count = counts.get(request, 0)

    @api.depends_context("uid", "lang", "tz", OBSERVATION_KEY)
    @api.depends(
        "create_date",
        "date_submitted",
        "date_validated",
        "date_legal_decision",
        "legal_regime",
        "household_id",
        "requester_id",
        "missing_justificatif_type_ids",
    )
    def _compute_letter_variables(self):
        env = self.env
        today = self._letter_long_date()
        observation = env.context.get(OBSERVATION_KEY) or False
        natures = {
            "acceptance": env._("of acceptance"),
            "rejection": env._("of rejection"),
        }
        # The requester's login is the citizen's: read it once for the batch.
        requesters = self.requester_id
        logins = {}
        if requesters:
            users = (
                env["res.users"]
                .sudo()  # sudo: only the logins of the requesters shown in their letters
                .with_context(active_test=False)
                .search_fetch([("partner_id", "in", requesters.ids)], ["login", "partner_id"])
            )
            logins = {user.partner_id.id: user.login for user in users}

        def long_date(value):
            return self._letter_long_date(value) if value else False

        for request in self:
            household = request.household_id
            requester = request.requester_id
            request.letter_observation = observation
            request.letter_date_today = today
            request.letter_agent_name = env.user.name
            request.letter_date_created = long_date(request.create_date)
            request.letter_date_submitted = long_date(request.date_submitted)
            request.letter_date_validated = long_date(request.date_validated)
            request.letter_date_legal_decision = long_date(request.date_legal_decision)
            request.letter_legal_decision_nature = natures.get(request.legal_regime, False)
            request.letter_household_number = household.name or False
            request.letter_requester_civility = requester.title.name or False
            request.letter_requester_firstname = requester.firstname or False
            request.letter_requester_lastname = requester.lastname or requester.name or False
            request.letter_requester_login = logins.get(requester.id, False)
            lines = request._letter_address_lines()
            request.letter_address_line1 = lines[0]
            request.letter_address_line2 = lines[1]
            request.letter_address_line3 = lines[2]
            request.letter_missing_documents = (
                ", ".join(request.missing_justificatif_type_ids.mapped("name")) or False
            )

    def _letter_address_lines(self):
        """Three address lines (number and street, complement, zip and town) of
        the household, else of the requester; empty lines are ``False``."""
        self.ensure_one()
        source = self.household_id
        if source:
            street = " ".join(filter(None, (source.street_number, source.street)))
        else:
            source = self.requester_id
            street = source.street
        lines = [street, source.street2, " ".join(filter(None, (source.zip, source.city)))]
        return [line or False for line in lines]

    def _letter_long_date(self, value=False):
        """A date as a French letter writes it ("1 décembre 2026"); today by default."""
        if not value:
            value = fields.Date.context_today(self)
        elif isinstance(value, str):
            value = (
                fields.Datetime.to_datetime(value)
                if len(value) > len("2026-12-01")
                else fields.Date.to_date(value)
            )
        if isinstance(value, datetime.datetime):
            # the day in the user's time zone, as format_date takes it
            if not value.tzinfo:
                value = fields.Datetime.context_timestamp(self, value)
            value = value.date()
        # Babel takes about a millisecond a date and a batch of letters writes the same
        # few dates many times: each is formatted once per transaction.
        key = ("courrier_templates.long_date", self.env.lang, self.env.uid, value)
        cache = self.env.cr.cache
        if key not in cache:
            text = format_date(self.env, value, date_format="long")
            # French writes the first day of a month "1er".
            if text.startswith("1 ") and (self.env.lang or "").startswith("fr"):
                text = "1er " + text[2:]
            cache[key] = text
        return cache[key]

    # ------------------------------------------------------------ placeholders
    @api.model
    def mail_allowed_qweb_expressions(self):
        """Plain placeholders (a field of the request, or a plain field of the
        records it points to) are allowed to every manager; anything else is
        code, for template editors only (Odoo's restricted rendering)."""
        return self._letter_placeholder_expressions()

    @api.model
    @ormcache()
    def _letter_placeholder_expressions(self):
        expressions = set(super().mail_allowed_qweb_expressions())

        def plain(model):
            return [
                name
                for name, field in model._fields.items()
                if field.type in PLACEHOLDER_TYPES and not field.groups
            ]

        for name in plain(self):
            expressions.add(f"object.{name}")
        for relation in PLACEHOLDER_RELATIONS:
            comodel = self.env[self._fields[relation].comodel_name]
            for name in plain(comodel):
                expressions.add(f"object.{relation}.{name}")
        return tuple(sorted(expressions))

    # ----------------------------------------------------------------- actions
    def action_contact_citizen(self):
        """The "Contacter l'usager" wizard on this request."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contact the citizen"),
            "res_model": "collectivite.letter.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_view_letters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "courrier_templates.collectivite_letter_action"
        )
        action["domain"] = [("request_id", "=", self.id)]
        action["context"] = {"default_request_id": self.id}
        return action
