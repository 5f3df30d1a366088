from odoo import fields, models


class HelpdeskTicketProduct(models.Model):
    """A product (application, service) the desk supports."""

    _name = "helpdesk.ticket.product"
    _description = "Helpdesk product"
    _order = "name"

    name = fields.Char(required=True, translate=True, index="trigram")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    owner_id = fields.Many2one(
        "res.users", string="Product owner", help="Receives the evolution requests."
    )
    is_hosting = fields.Boolean(
        string="Hosting", help="Blocking incidents may be handled by the on-call agent."
    )
    component_ids = fields.One2many("helpdesk.ticket.component", "product_id")
