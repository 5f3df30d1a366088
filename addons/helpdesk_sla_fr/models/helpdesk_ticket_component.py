from odoo import fields, models


class HelpdeskTicketComponent(models.Model):
    """A component of a supported product (module, server, screen...)."""

    _name = "helpdesk.ticket.component"
    _description = "Helpdesk product component"
    _order = "product_id, name"

    name = fields.Char(required=True, translate=True)
    product_id = fields.Many2one(
        "helpdesk.ticket.product", required=True, index=True, ondelete="cascade"
    )
    active = fields.Boolean(default=True)
