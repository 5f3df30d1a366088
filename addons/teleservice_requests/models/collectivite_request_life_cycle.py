from odoo import fields, models

from odoo.addons.collectivite_base.models.collectivite_state_mixin import Move

from .collectivite_request import DONE_STATES

AGENT_GROUP = "collectivite_base.collectivite_group_agent"
# Moves of the request's life cycle (the citizen or the counter submits, agents
# instruct) and of its data.
INSTRUCT = Move(group=AGENT_GROUP, values="_agent_values")
VALIDATE = Move(group=AGENT_GROUP, guard="_validation_blockers", values="_validation_values")
# Agents or the citizen of the request's household (guard in
# ``collectivite_request_portal.py``) rectify an incomplete request.
RECTIFY = Move(
    guard="_rectification_blockers", values="_rectification_values", effects="_on_rectified"
)
# A refusal always carries its reasons (``collectivite_request_refusal.py``).
REFUSE = Move(group=AGENT_GROUP, guard="_refusal_blockers", values="_agent_values")
CLOSE = Move(group=AGENT_GROUP, values="_closing_values", effects="_on_closed")
# The accusé de réception follows every submission (``collectivite_request_acknowledgement.py``).
SUBMIT = Move(
    guard="_submission_blockers",
    values="_submission_values",
    effects=("_on_submitted", "_send_acknowledgement"),
)
CHECK_DATA = Move(group=AGENT_GROUP, guard="_data_blockers", values="_agent_values")


class CollectiviteRequest(models.Model):
    """Life cycle of a request: the moves of its ``state`` (submitted by the
    citizen or the counter, instructed by agents) and of its ``data_state``,
    what blocks each move, what it writes and what follows it."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    _state_moves = {
        "state": {
            ("draft", "pending"): SUBMIT,
            ("pending", "in_progress"): INSTRUCT,
            ("pending", "cancelled"): INSTRUCT,
            ("in_progress", "complete"): INSTRUCT,
            ("in_progress", "incomplete"): INSTRUCT,
            ("in_progress", "cancelled"): INSTRUCT,
            ("complete", "validated"): VALIDATE,
            ("complete", "refused"): REFUSE,
            ("complete", "cancelled"): INSTRUCT,
            ("incomplete", "rectified"): RECTIFY,
            ("incomplete", "refused"): REFUSE,
            ("incomplete", "cancelled"): INSTRUCT,
            ("rectified", "validated"): VALIDATE,
            ("rectified", "refused"): REFUSE,
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
        missing = self.value_ids._shown().filtered(lambda line: line.required and not line.is_set)
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
