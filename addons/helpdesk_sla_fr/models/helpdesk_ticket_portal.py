"""Requesters' searches of tickets (the portal): a narrowing term served by
indexes, never wider than OCA's portal rule, which still applies."""

from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su and self.env.user.share:
            domain = expression.AND([self._portal_candidate_domain(), domain or []])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _portal_candidate_domain(self):
        """The tickets OCA's portal rule grants (requester's organisation as
        contact or follower) as one UNION subquery served by the indexes on
        ``partner_id`` and on followers. The rule ORs two subqueries, which
        PostgreSQL can only answer by scanning every ticket; this narrowing
        term (never wider than the rule, which still applies) lets it fetch
        the few candidate rows by primary key instead."""
        commercial = self.env.user.commercial_partner_id
        # sudo: the requester's own organisation tree, as the rule's child_of reads it
        partner_ids = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            ._search([("id", "child_of", commercial.id)])
        )
        partners = SQL("(%s)", partner_ids.subselect())
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT t.id FROM helpdesk_ticket t WHERE t.partner_id IN %(partners)s"
                    " UNION SELECT f.res_id FROM mail_followers f"
                    " WHERE f.res_model = 'helpdesk.ticket' AND f.partner_id IN %(partners)s)",
                    partners=partners,
                ),
            )
        ]
