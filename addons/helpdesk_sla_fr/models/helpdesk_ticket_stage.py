from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    is_waiting_requester = fields.Boolean(
        string="Waiting on the requester",
        help="While a ticket is in this stage its SLA clock stops; its due dates "
        "move by the paused working time.",
    )
