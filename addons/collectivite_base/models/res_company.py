from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collectivite_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business Calendar",
        default=lambda self: self.env.ref(
            "collectivite_base.resource_calendar_collectivite", raise_if_not_found=False
        ),
        ondelete="restrict",
        help="Opening hours and public holidays of the collectivité, used by default for "
        "the deadlines of requests and tickets.",
    )

    @api.model
    def _init_collectivite_calendar(self):
        """At install: give the shipped calendar to companies without one."""
        calendar = self.env.ref(
            "collectivite_base.resource_calendar_collectivite", raise_if_not_found=False
        )
        if calendar:
            self.with_context(active_test=False).search(
                [("collectivite_calendar_id", "=", False)]
            ).write({"collectivite_calendar_id": calendar.id})
