from odoo import api, fields, models


class CollectiviteRequest(models.Model):
    """What the statistics read of a handled (closed) request: its instruction
    time in working days of its collectivité's calendar, and whether it was
    handled within the quality of service."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    instruction_days = fields.Float(
        string="Instruction duration (working days)",
        compute="_compute_instruction_statistics",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        help="Working days of the collectivité's calendar between the submission and the "
        "closing of the request.",
    )
    is_within_qos = fields.Boolean(
        string="Handled within the quality of service",
        compute="_compute_instruction_statistics",
        store=True,
    )

    @api.depends("date_submitted", "date_closed", "date_qos_deadline", "company_id")
    def _compute_instruction_statistics(self):
        """One call of the working-time service per calendar, never one per request."""
        for request in self:
            request.is_within_qos = bool(
                request.date_closed
                and request.date_qos_deadline
                and request.date_closed < request.date_qos_deadline
            )
            request.instruction_days = 0.0
        closed = self.filtered(lambda request: request.date_submitted and request.date_closed)
        for calendar, requests in closed.grouped(lambda request: request._calendar()).items():
            hours = calendar.working_time_between(
                requests.mapped("date_submitted"), requests.mapped("date_closed")
            )
            per_day = calendar.hours_per_day or 8.0
            for request, worked in zip(requests, hours, strict=True):
                request.instruction_days = worked / per_day
