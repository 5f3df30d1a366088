from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.misc import format_datetime
from odoo.tools.sql import create_index

from odoo.addons.collectivite_base.markers import is_marked, server_marks
from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move

LOCK_PARAM = "teleservice_requests.lock_minutes"
NOTIFY_NEW_PARAM = "teleservice_requests.notify_new_request"
DIGEST_PARAM = "teleservice_requests.qos_digest_mode"
DRAFT_RETENTION_PARAM = "teleservice_requests.draft_retention_days"
DRAFT_NOTICE_PARAM = "teleservice_requests.draft_notice_days"

# States in which a request is being instructed: quality of service applies.
OPEN_STATES = ("pending", "in_progress", "complete", "incomplete", "rectified")
DONE_STATES = ("closed", "archived")
LOCK_FIELDS = {"lock_user_id", "lock_expiry"}
AGENT_GROUP = "collectivite_base.collectivite_group_agent"
# Moves of the request's life cycle (the citizen or the counter submits, agents
# instruct) and of its data.
INSTRUCT = Move(group=AGENT_GROUP, values="_agent_values")
VALIDATE = Move(group=AGENT_GROUP, guard="_validation_blockers", values="_validation_values")
RECTIFY = Move(group=AGENT_GROUP, values="_agent_values", effects="_on_rectified")
CLOSE = Move(group=AGENT_GROUP, values="_closing_values", effects="_on_closed")
SUBMIT = Move(guard="_submission_blockers", values="_submission_values", effects="_on_submitted")
CHECK_DATA = Move(group=AGENT_GROUP, guard="_data_blockers", values="_agent_values")
# Server marker: the lock's own writes (take, release, take over) skip the lock check.
LOCK_BYPASS_MARK = "teleservice_lock_bypass"


def m2m_added_ids(commands):
    """Ids a many2many write may link: those of ``LINK`` and ``SET`` commands
    (or a plain list of ids). Records created by the write are checked by
    their own create rules."""
    ids = []
    for command in commands or ():
        if isinstance(command, int):
            ids.append(command)
        elif command[0] == Command.LINK:
            ids.append(command[1])
        elif command[0] == Command.SET:
            ids.extend(command[2])
    return ids


class CollectiviteRequest(models.Model):
    """A citizen's request for a téléservice, instructed by agents."""

    _name = "collectivite.request"
    _description = "Request"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "collectivite.state.mixin",
        "collectivite.system.log",
    ]
    _order = "date_submitted desc, id desc"
    # The citizen may answer the notes of a request they can read.
    _mail_post_access = "read"

    _state_moves = {
        "state": {
            ("draft", "pending"): SUBMIT,
            ("pending", "in_progress"): INSTRUCT,
            ("pending", "cancelled"): INSTRUCT,
            ("in_progress", "complete"): INSTRUCT,
            ("in_progress", "incomplete"): INSTRUCT,
            ("in_progress", "cancelled"): INSTRUCT,
            ("complete", "validated"): VALIDATE,
            ("complete", "refused"): INSTRUCT,
            ("complete", "cancelled"): INSTRUCT,
            ("incomplete", "rectified"): RECTIFY,
            ("incomplete", "refused"): INSTRUCT,
            ("incomplete", "cancelled"): INSTRUCT,
            ("rectified", "validated"): VALIDATE,
            ("rectified", "refused"): INSTRUCT,
            ("rectified", "cancelled"): INSTRUCT,
            ("rectified", "incomplete"): INSTRUCT,
            ("validated", "notified"): INSTRUCT,
            ("refused", "notified"): INSTRUCT,
            ("cancelled", "notified"): INSTRUCT,
            ("notified", "closed"): CLOSE,
            ("closed", "archived"): INSTRUCT,
        },
        "data_state": {
            ("to_check", "valid"): CHECK_DATA,
            ("to_check", "invalid"): CHECK_DATA,
            ("valid", "to_check"): CHECK_DATA,
            ("invalid", "to_check"): CHECK_DATA,
        },
    }

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    teleservice_id = fields.Many2one(
        "collectivite.teleservice", required=True, index=True, tracking=True
    )
    category_id = fields.Many2one(related="teleservice_id.category_id", store=True, index=True)
    company_id = fields.Many2one(related="teleservice_id.company_id", store=True, index=True)
    season_id = fields.Many2one("collectivite.season", index=True, readonly=True)
    channel = fields.Selection(
        [("portal", "Online"), ("counter", "Counter"), ("phone", "Phone"), ("mail", "Mail")],
        required=True,
        default="counter",
    )
    requester_id = fields.Many2one("res.partner", index=True, tracking=True)
    requester_name = fields.Char(
        related="requester_id.name", string="Requester name", store=True, index="trigram"
    )
    subject_id = fields.Many2one(
        "res.partner", string="Concerned person", index=True, tracking=True
    )
    subject_name = fields.Char(
        related="subject_id.name", string="Concerned person name", store=True, index="trigram"
    )
    household_id = fields.Many2one("collectivite.household", index=True, tracking=True)
    comment = fields.Text()
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("pending", "Pending"),
            ("in_progress", "In progress"),
            ("complete", "Complete"),
            ("incomplete", "Incomplete"),
            ("rectified", "Rectified"),
            ("validated", "Validated"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
            ("notified", "Notified"),
            ("closed", "Closed"),
            ("archived", "Filed"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    data_state = fields.Selection(
        [("to_check", "To check"), ("valid", "Data valid"), ("invalid", "Data invalid")],
        string="Data",
        required=True,
        default="to_check",
        tracking=True,
        copy=False,
    )
    value_ids = fields.One2many("collectivite.request.value", "request_id", string="Form")
    justificatif_ids = fields.Many2many(
        "collectivite.justificatif",
        "collectivite_request_justificatif_rel",
        "request_id",
        "justificatif_id",
        string="Justificatifs",
    )
    missing_justificatif_type_ids = fields.Many2many(
        "collectivite.justificatif.type",
        compute="_compute_missing_justificatif_type_ids",
        string="Justificatifs to validate",
    )
    date_submitted = fields.Datetime(index=True, readonly=True, copy=False, tracking=True)
    date_validated = fields.Datetime(readonly=True, copy=False)
    date_closed = fields.Datetime(index=True, readonly=True, copy=False)
    date_last_action = fields.Datetime(readonly=True, copy=False)
    last_agent_id = fields.Many2one("res.users", index=True, readonly=True, copy=False)
    # Quality of service
    date_qos_deadline = fields.Datetime(
        string="Deadline", compute="_compute_qos_dates", store=True, index=True
    )
    date_qos_alert = fields.Datetime(
        string="Alert date", compute="_compute_qos_dates", store=True, index=True
    )
    date_legal_decision = fields.Date(
        string="Implicit decision date", compute="_compute_legal_dates", store=True
    )
    date_legal_alert = fields.Datetime(compute="_compute_legal_dates", store=True, index=True)
    legal_regime = fields.Selection(related="teleservice_id.legal_regime")
    # Not indexed on purpose, see ``init``.
    is_urgent = fields.Boolean(string="Urgent", default=False, readonly=True, copy=False)
    is_late = fields.Boolean(string="Late", default=False, readonly=True, copy=False)
    qos_notified_level = fields.Selection(
        [("none", "None"), ("urgent", "Urgent"), ("late", "Late")],
        default="none",
        required=True,
        copy=False,
        help="Last quality-of-service alert mailed to the agents (never twice).",
    )
    is_new_notified = fields.Boolean(copy=False, readonly=True)
    date_draft_notice = fields.Datetime(copy=False, readonly=True)
    is_anonymized = fields.Boolean(readonly=True, copy=False, index=True)
    # Lock
    lock_user_id = fields.Many2one("res.users", string="Locked by", readonly=True, copy=False)
    lock_expiry = fields.Datetime(string="Locked until", readonly=True, copy=False)
    is_locked_by_other = fields.Boolean(compute="_compute_lock")
    is_locked_by_me = fields.Boolean(compute="_compute_lock")
    can_edit = fields.Boolean(compute="_compute_lock")
    is_manageable = fields.Boolean(compute="_compute_is_manageable", search="_search_is_manageable")

    def init(self):
        """Indexes of the dashboard, the QoS cron and the statistics (single
        columns come from ``index=True``).

        The QoS flags are plain, unindexed columns and pages keep free room
        (fillfactor): flagging tens of thousands of requests is then a HOT update
        that touches none of the table's indexes. The cron finds its candidates
        through partial indexes on the open requests' dates."""
        super().init()
        cr, table = self.env.cr, self._table
        cr.execute(SQL("ALTER TABLE %s SET (fillfactor = 80)", SQL.identifier(table)))
        # Finer statistics on the names searched with ``ilike``: the planner then
        # sees how rare a name is and takes the trigram index.
        for column in ("name", "requester_name", "subject_name"):
            cr.execute(
                SQL(
                    "ALTER TABLE %s ALTER COLUMN %s SET STATISTICS 1000",
                    SQL.identifier(table),
                    SQL.identifier(column),
                )
            )
        open_states = ", ".join(f"'{state}'" for state in OPEN_STATES)
        for name, columns in (
            ("state_submitted", ["state", "date_submitted", "id"]),
            ("state_category", ["state", "category_id", "company_id"]),
            ("agent_action", ["last_agent_id", "date_last_action", "category_id"]),
            ("state_action", ["state", "date_last_action", "id"]),
            (
                "statistics",
                ["category_id", "teleservice_id", "state", "date_submitted", "company_id"],
            ),
        ):
            create_index(cr, f"{table}_{name}_idx", table, columns)
        # The new-request notification cron's candidates: few rows (new, sent
        # requests not yet notified) among millions; the predicate is the one the
        # ORM writes for its domain.
        create_index(
            cr,
            f"{table}_new_notify_idx",
            table,
            ["id"],
            where=f"({table}.state != 'draft' OR {table}.state IS NULL) "
            f"AND ({table}.is_new_notified IS NULL OR {table}.is_new_notified = FALSE)",
        )
        for name, column in (
            ("open_deadline", "date_qos_deadline"),
            ("open_alert", "date_qos_alert"),
            ("open_legal_alert", "date_legal_alert"),
        ):
            create_index(
                cr,
                f"{table}_{name}_idx",
                table,
                [column, "category_id", "company_id"],
                where=f"state IN ({open_states})",
            )

    # ----------------------------------------------------------------- computes
    @api.depends("teleservice_id.justificatif_type_ids", "justificatif_ids.state")
    def _compute_missing_justificatif_type_ids(self):
        for request in self:
            validated = request.justificatif_ids.filtered(lambda j: j.state == "validated")
            request.missing_justificatif_type_ids = (
                request.teleservice_id.justificatif_type_ids - validated.type_id
            )

    def _calendar(self):
        company = self.company_id or self.env.company
        return company.collectivite_calendar_id or company.resource_calendar_id

    @api.depends(
        "date_submitted",
        "teleservice_id.qos_delay_days",
        "teleservice_id.qos_alert_days",
        "company_id",
    )
    def _compute_qos_dates(self):
        """Deadlines in working days, one call of the working-time service per
        calendar and delay (never one per request)."""
        defaults = self.env["collectivite.teleservice"]._qos_defaults()
        groups = defaultdict(lambda: self.browse())
        for request in self:
            if not request.date_submitted or not request.teleservice_id:
                request.date_qos_deadline = request.date_qos_alert = False
                continue
            delay, alert = request.teleservice_id._qos_delays(defaults)
            groups[request._calendar(), delay, alert] |= request
        for (calendar, delay, alert), requests in groups.items():
            starts = requests.mapped("date_submitted")
            deadlines = calendar.add_working_time(starts, delay, "days")
            alerts = (
                calendar.add_working_time(starts, delay - alert, "days")
                if delay > alert
                else starts
            )
            for request, deadline, alert_date in zip(requests, deadlines, alerts, strict=True):
                request.date_qos_deadline = deadline
                request.date_qos_alert = alert_date

    @api.depends(
        "date_submitted",
        "teleservice_id.legal_regime",
        "teleservice_id.legal_delay_months",
        "teleservice_id.qos_alert_days",
    )
    def _compute_legal_dates(self):
        defaults = self.env["collectivite.teleservice"]._qos_defaults()
        for request in self:
            teleservice = request.teleservice_id
            if not request.date_submitted or teleservice.legal_regime in (False, "none"):
                request.date_legal_decision = request.date_legal_alert = False
                continue
            decision = request.date_submitted + relativedelta(months=teleservice.legal_delay_months)
            request.date_legal_decision = decision.date()
            request.date_legal_alert = decision - timedelta(
                days=teleservice._qos_delays(defaults)[1]
            )

    @api.depends_context("uid")
    @api.depends("lock_user_id", "lock_expiry", "category_id")
    def _compute_lock(self):
        now = fields.Datetime.now()
        writable = self.env.user.teleservice_write_category_ids
        for request in self:
            locked = bool(
                request.lock_user_id and request.lock_expiry and request.lock_expiry > now
            )
            request.is_locked_by_me = locked and request.lock_user_id == self.env.user
            request.is_locked_by_other = locked and request.lock_user_id != self.env.user
            request.can_edit = (
                request.category_id in writable or self.env.su
            ) and not request.is_locked_by_other

    @api.depends_context("uid")
    def _compute_is_manageable(self):
        manageable = self.env.user.teleservice_manage_category_ids
        for request in self:
            request.is_manageable = request.category_id in manageable

    def _search_is_manageable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on “manageable”."))
        ids = self.env.user.teleservice_manage_category_ids.ids
        positive = (operator == "=") == value
        return [("category_id", "in" if positive else "not in", ids)]

    # ------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self._check_justificatif_links(
            {jid for vals in vals_list for jid in m2m_added_ids(vals.get("justificatif_ids"))}
        )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("collectivite.request") or "/"
        requests = super().create(vals_list)
        requests._prefill_values()
        return requests

    def write(self, vals):
        if "justificatif_ids" in vals:
            linked = set(self.sudo().justificatif_ids.ids)  # sudo: links compared, nothing returned
            self._check_justificatif_links(set(m2m_added_ids(vals["justificatif_ids"])) - linked)
        if not self.env.su and not is_marked(LOCK_BYPASS_MARK):
            if self.env.user.share:
                self._check_citizen_can_modify()
            self._check_lock()
            if set(vals) - LOCK_FIELDS and self.env.user._is_internal():
                # Each request locked for its téléservice's duration.
                for minutes, requests in self._group_by_lock_minutes().items():
                    super(CollectiviteRequest, requests).write(
                        dict(vals, **self._lock_values(minutes))
                    )
                return True
        return super().write(vals)

    @api.model
    def _check_justificatif_links(self, justificatif_ids):
        """A request links only justificatifs its user may read: linking opens
        them to the readers of the request's category."""
        if justificatif_ids and not self.env.su:
            self.env["collectivite.justificatif"].browse(justificatif_ids).check_access("read")

    def _prefill_values(self):
        """One value line per form field; counter mode pre-fills from the household."""
        commands = []
        for request in self:
            existing = request.value_ids.field_id
            for field in request.teleservice_id.field_ids - existing:
                line = {"request_id": request.id, "field_id": field.id}
                household = request.household_id
                if field.field_type == "address" and household:
                    line["value_text"] = "\n".join(
                        part
                        for part in (
                            " ".join(filter(None, (household.street_number, household.street))),
                            household.street2,
                            " ".join(filter(None, (household.zip, household.city))),
                        )
                        if part
                    )
                elif field.field_type == "member" and request.subject_id:
                    line["value_partner_id"] = request.subject_id.id
                commands.append(line)
        if commands:
            self.env["collectivite.request.value"].create(commands)

    @api.onchange("household_id")
    def _onchange_household_id(self):
        if self.household_id:
            self.requester_id = self.household_id.responsible_id
            if self.subject_id not in self.household_id.member_ids:
                self.subject_id = self.household_id.responsible_id

    @api.onchange("requester_id")
    def _onchange_requester_id(self):
        if self.requester_id and not self.household_id and self.requester_id.household_id:
            self.household_id = self.requester_id.household_id

    # ------------------------------------------------------------------- lock
    def _group_by_lock_minutes(self):
        """{lock duration in minutes: requests}: the téléservice's duration,
        or the platform settings' when it has none."""
        params = self.env["ir.config_parameter"].sudo()  # sudo: platform settings
        default = int(params.get_param(LOCK_PARAM, 30))
        groups = defaultdict(lambda: self.browse())
        for request in self:
            groups[request.teleservice_id.lock_minutes or default] |= request
        return groups

    @api.model
    def _lock_values(self, minutes):
        return {
            "lock_user_id": self.env.uid,
            "lock_expiry": fields.Datetime.now() + timedelta(minutes=minutes),
        }

    def _write_lock(self):
        """Lock the requests to the current user, each for its duration."""
        for minutes, requests in self._group_by_lock_minutes().items():
            with server_marks(LOCK_BYPASS_MARK):
                requests.write(self._lock_values(minutes))
        return True

    def _check_lock(self):
        for request in self:
            if request.is_locked_by_other:
                raise UserError(
                    self.env._(
                        "Request %(ref)s is locked by %(user)s until %(until)s.",
                        ref=request.name,
                        user=request.lock_user_id.name,
                        until=format_datetime(self.env, request.lock_expiry),
                    )
                )

    def action_lock(self):
        """Take the lock to modify the request (refused when another agent holds it)."""
        self.check_access("write")
        self._check_lock()
        return self._write_lock()

    def action_unlock(self):
        is_manager = self.env.user.has_group("collectivite_base.collectivite_group_manager")
        for request in self:
            if request.is_locked_by_other and not is_manager:
                raise AccessError(
                    self.env._(
                        "Only %(user)s or a manager can release the lock of %(ref)s.",
                        user=request.lock_user_id.name,
                        ref=request.name,
                    )
                )
        self.check_access("write")
        with server_marks(LOCK_BYPASS_MARK):
            return self.write({"lock_user_id": False, "lock_expiry": False})

    def action_take_over(self):
        if not self.env.user.has_group("collectivite_base.collectivite_group_manager"):
            raise AccessError(self.env._("Only a manager can take over the lock of a request."))
        self.check_access("write")
        holders = ", ".join(self.lock_user_id.mapped("name"))
        self._write_lock()
        for request in self:
            request.message_post(
                body=self.env._("Lock taken over from %(holders)s.", holders=holders or "-"),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _check_citizen_can_modify(self):
        """The citizen's space may not modify a request an agent has locked."""
        now = fields.Datetime.now()
        for request in self:
            if request.lock_user_id and request.lock_expiry and request.lock_expiry > now:
                raise UserError(
                    self.env._(
                        "Request %(ref)s is being instructed by an agent: it cannot be "
                        "modified for now.",
                        ref=request.name,
                    )
                )

    # ------------------------------------------------------------- life cycle
    def _agent_values(self, values=None):
        return dict(
            values or {},
            last_agent_id=self.env.uid,
            date_last_action=fields.Datetime.now(),
        )

    def _submission_blockers(self, values):
        blockers = []
        teleservice = self.teleservice_id
        today = fields.Date.context_today(self)
        if teleservice.season_ids and not teleservice._open_season(today):
            blockers.append(
                self.env._(
                    "registration for %(teleservice)s is closed: no season is open on %(date)s",
                    teleservice=teleservice.name,
                    date=today,
                )
            )
        if teleservice.needs_household and not self.household_id:
            blockers.append(
                self.env._(
                    "%(teleservice)s needs a household account", teleservice=teleservice.name
                )
            )
        missing = self.value_ids.filtered(lambda line: line.required and not line.is_set)
        if missing:
            blockers.append(
                self.env._(
                    "required fields are empty: %(fields)s",
                    fields=", ".join(missing.mapped("name")),
                )
            )
        return blockers

    def _submission_values(self):
        return {"date_submitted": fields.Datetime.now()}

    def _on_submitted(self):
        today = fields.Date.context_today(self)
        for teleservice, requests in self.grouped("teleservice_id").items():
            season = teleservice._open_season(today)
            if season:
                requests.write({"season_id": season.id})
        self.env.ref("teleservice_requests.ir_cron_notify_new_requests")._trigger()

    def action_submit(self):
        return self._move("pending")

    def action_start(self):
        return self._move("in_progress")

    def action_mark_complete(self):
        return self._move("complete")

    def action_mark_incomplete(self):
        return self._move("incomplete")

    def action_rectify(self):
        return self._move("rectified")

    def _on_rectified(self):
        self.filtered(lambda r: r.data_state == "invalid")._move("to_check", field="data_state")

    def _validation_blockers(self, values):
        """What prevents validating the request, as readable sentences."""
        self.ensure_one()
        missing = []
        if self.data_state != "valid":
            missing.append(self.env._("the data are not validated"))
        for justificatif_type in self.missing_justificatif_type_ids:
            missing.append(
                self.env._("justificatif “%(type)s” is not validated", type=justificatif_type.name)
            )
        season = self.season_id
        today = fields.Date.context_today(self)
        if season.date_validation_start and season.date_validation_start > today:
            missing.append(
                self.env._(
                    "validation of season “%(season)s” opens on %(date)s",
                    season=season.name,
                    date=season.date_validation_start,
                )
            )
        return missing

    def _validation_values(self):
        return self._agent_values({"date_validated": fields.Datetime.now()})

    def action_validate(self):
        return self._move("validated")

    def action_refuse(self):
        return self._move("refused")

    def action_cancel(self):
        return self._move("cancelled")

    def action_notify(self):
        return self._move("notified")

    def _closing_values(self):
        return self._agent_values({"date_closed": fields.Datetime.now()})

    def _on_closed(self):
        late = self.filtered(lambda r: r.date_qos_deadline and r.date_qos_deadline <= r.date_closed)
        late.write({"is_late": True, "is_urgent": True})

    def action_close(self):
        return self._move("closed")

    def action_archive_request(self):
        return self._move("archived")

    # ------------------------------------------------------------ data state
    def _data_blockers(self, values):
        if self.state in DONE_STATES + ("draft",):
            return [
                self.env._(
                    "its data cannot change in state “%(state)s”",
                    state=self._state_label(self.state),
                )
            ]
        return []

    def action_validate_data(self):
        self.value_ids._check_required()
        return self._move("valid", field="data_state")

    def action_invalidate_data(self):
        return self._move("invalid", field="data_state")

    def action_reset_data(self):
        return self._move("to_check", field="data_state")

    # ------------------------------------------------------------------ notes
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

    def action_print(self):
        return self.env.ref("teleservice_requests.collectivite_request_report").report_action(self)

    # ------------------------------------------------------------------ crons
    @api.model
    def _cron_update_qos(self, batch_size=50000):
        """Flag requests entering their alert window (urgent) or past their
        deadline (late). Idempotent: flagged requests are not selected again.

        Set-based SQL on the partial indexes of ``init``: the flags are plain
        columns that nothing computes from nor tracks, so one ``UPDATE`` per flag
        and batch replaces loading tens of thousands of records."""
        self.flush_model(
            [
                "state",
                "is_late",
                "is_urgent",
                "date_qos_deadline",
                "date_qos_alert",
                "date_legal_alert",
            ]
        )
        now = fields.Datetime.now()
        table = SQL.identifier(self._table)
        open_states = tuple(OPEN_STATES)
        lang_self = self.with_context(lang=self._system_lang())
        # Each flagged request gets a history note authored by the system.
        done = self._system_log_sql(
            SQL(
                """UPDATE %(table)s SET is_late = TRUE, is_urgent = TRUE, write_date = %(now)s
                    WHERE id = ANY(ARRAY(SELECT id FROM %(table)s
                                  WHERE is_late IS NOT TRUE AND state IN %(open)s
                                    AND date_qos_deadline <= %(now)s
                                  LIMIT %(limit)s))
                RETURNING id""",
                table=table,
                now=now,
                open=open_states,
                limit=batch_size,
            ),
            escape(lang_self.env._("Late: the instruction deadline has passed.")),
        )
        done += self._system_log_sql(
            SQL(
                """UPDATE %(table)s SET is_urgent = TRUE, write_date = %(now)s
                    WHERE id = ANY(ARRAY(SELECT id FROM %(table)s
                                  WHERE is_urgent IS NOT TRUE AND state IN %(open)s
                                    AND date_qos_alert <= %(now)s
                                  UNION
                                 SELECT id FROM %(table)s
                                  WHERE is_urgent IS NOT TRUE AND state IN %(open)s
                                    AND date_legal_alert <= %(now)s
                                  LIMIT %(limit)s))
                RETURNING id""",
                table=table,
                now=now,
                open=open_states,
                limit=batch_size,
            ),
            escape(lang_self.env._("Urgent: the request has entered its alert period.")),
        )
        self.invalidate_model(["is_late", "is_urgent", "write_date"])
        self.env.cr.execute(
            SQL(
                """SELECT (SELECT count(*) FROM %(table)s
                            WHERE is_late IS NOT TRUE AND state IN %(open)s
                              AND date_qos_deadline <= %(now)s)
                        + (SELECT count(*) FROM %(table)s
                            WHERE is_urgent IS NOT TRUE AND state IN %(open)s
                              AND (date_qos_alert <= %(now)s OR date_legal_alert <= %(now)s))""",
                table=table,
                now=now,
                open=open_states,
            )
        )
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining

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

    # ------------------------------------------------------------------- demo
    @api.model
    def _demo_create_requests(self):
        """Demo requests in every state, through the actions (called by demo data)."""
        Partner = self.env["res.partner"]
        citizens = Partner.search(
            [("email", "in", ("camille.martin@example.org", "karim.benali@example.org"))]
        )
        if not citizens:
            citizens = Partner.create(
                [
                    {"name": "Camille Martin", "email": "camille.martin@example.org"},
                    {"name": "Karim Benali", "email": "karim.benali@example.org"},
                ]
            )
        ref = self.env.ref
        agent = ref("collectivite_base.user_agent")
        teleservices = [
            ref("teleservice_requests.teleservice_birth_certificate"),
            ref("teleservice_requests.teleservice_intervention"),
            ref("teleservice_requests.teleservice_electoral_roll"),
        ]
        household_teleservices = [
            ref("teleservice_requests.teleservice_school"),
            ref("teleservice_requests.teleservice_canteen"),
        ]
        paths = {
            "draft": [],
            "pending": ["action_submit"],
            "in_progress": ["action_submit", "action_start"],
            "complete": ["action_submit", "action_start", "action_mark_complete"],
            "incomplete": ["action_submit", "action_start", "action_mark_incomplete"],
            "rectified": [
                "action_submit",
                "action_start",
                "action_mark_incomplete",
                "action_rectify",
            ],
            "validated": ["action_submit", "action_start", "action_mark_complete", "validate"],
            "refused": ["action_submit", "action_start", "action_mark_complete", "action_refuse"],
            "cancelled": ["action_submit", "action_cancel"],
            "notified": [
                "action_submit",
                "action_start",
                "action_mark_complete",
                "validate",
                "action_notify",
            ],
            "closed": [
                "action_submit",
                "action_start",
                "action_mark_complete",
                "validate",
                "action_notify",
                "action_close",
            ],
            "archived": [
                "action_submit",
                "action_start",
                "action_mark_complete",
                "validate",
                "action_notify",
                "action_close",
                "action_archive_request",
            ],
        }
        Justificatif = self.env["collectivite.justificatif"]
        for index, path in enumerate(paths.values()):
            citizen = citizens[(index // 2) % len(citizens)]
            household = citizen.household_id
            if household and index % 2:
                teleservice = household_teleservices[(index // 2) % 2]
            else:
                teleservice = teleservices[index % len(teleservices)]
            if teleservice.needs_household and not household:
                teleservice = teleservices[0]
            request = self.create(
                {
                    "teleservice_id": teleservice.id,
                    "channel": "portal" if index % 3 else "counter",
                    "requester_id": citizen.id,
                    "subject_id": citizen.id,
                    "household_id": household.id if teleservice.needs_household else False,
                    "comment": "Demande de démonstration.",
                }
            )
            request._demo_fill_values()
            justificatifs = Justificatif.create(
                [
                    {
                        "name": justificatif_type.name,
                        "type_id": justificatif_type.id,
                        "household_id": household.id,
                        "partner_id": citizen.id,
                        "company_id": request.company_id.id,
                    }
                    for justificatif_type in teleservice.justificatif_type_ids
                ]
            )
            request.justificatif_ids = justificatifs
            as_agent = request.with_user(agent)
            for step in path:
                if step == "validate":
                    justificatifs.with_user(agent).action_validate()
                    as_agent.action_validate_data()
                    as_agent.action_validate()
                else:
                    getattr(as_agent, step)()
            with server_marks(LOCK_BYPASS_MARK):
                request.write({"lock_user_id": False, "lock_expiry": False})
        # Quality of service: an old pending request is late, another is urgent.
        late = self.search([("state", "=", "pending")], limit=1, order="id")
        if late:
            late.write({"date_submitted": fields.Datetime.now() - timedelta(days=40)})
        urgent = self.search([("state", "=", "in_progress")], limit=1)
        if urgent:
            urgent.write({"date_submitted": fields.Datetime.now() - timedelta(days=13)})
        self._cron_update_qos()

    def _demo_fill_values(self):
        sample = {
            "char": "Exemple",
            "text": "Texte de démonstration",
            "number": "2",
            "date": fields.Date.to_string(fields.Date.context_today(self)),
            "boolean": True,
        }
        for request in self:
            raw = {}
            for line in request.value_ids:
                field = line.field_id
                if field.field_type in sample:
                    raw[field.key] = sample[field.field_type]
                elif field.field_type in ("choice", "multi_choice"):
                    raw[field.key] = field.parameter_list_id.value_ids[:1].key
                elif field.field_type == "member" and request.subject_id:
                    raw[field.key] = request.subject_id.id
                elif field.field_type == "address" and not line.value_text:
                    raw[field.key] = "2 rue de l’Hôtel de Ville\n95300 Pontoise"
            if raw:
                self.env["collectivite.request.value"]._set_raw_values(request, raw)
