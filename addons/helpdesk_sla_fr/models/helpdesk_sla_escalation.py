from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskSlaEscalation(models.Model):
    """Who takes a ticket over at an escalation level of a contract.

    Level 1 is the contract's team; level 2 is reached when a ticket is at
    risk, level 3 when its deadline has passed.
    """

    _name = "helpdesk.sla.escalation"
    _description = "Helpdesk SLA escalation level"
    _order = "contract_id, level"

    contract_id = fields.Many2one(
        "helpdesk.sla.contract", required=True, index=True, ondelete="cascade"
    )
    level = fields.Selection([("2", "Level 2"), ("3", "Level 3")], required=True)
    team_id = fields.Many2one("helpdesk.ticket.team")
    user_id = fields.Many2one("res.users", string="Responsible")
    notify_partner_ids = fields.Many2many(
        "res.partner", string="Also notify", help="Partners mailed when tickets reach this level."
    )

    _sql_constraints = [
        ("level_unique", "UNIQUE(contract_id, level)", "One line per escalation level."),
    ]

    @api.constrains("team_id", "user_id")
    def _check_target(self):
        for line in self:
            if not line.team_id and not line.user_id:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: escalation level %(level)s needs a team "
                        "or a responsible user.",
                        contract=line.contract_id.name,
                        level=line.level,
                    )
                )

    def _recipients(self):
        self.ensure_one()
        return self.user_id.partner_id | self.notify_partner_ids | self.team_id.user_id.partner_id
