from odoo import models


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _creation_message(self):
        """The creation message in the collectivité's language (OCA's reads the
        model's name, still English when the demo data is loaded)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        lang = company.partner_id.lang or self.env.lang
        return self.with_context(lang=lang).env._("Ticket created")
