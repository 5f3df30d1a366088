"""The requester's feedback on a resolved ticket: one rating and remark,
by the requester (or the holder of the ticket's link), within the contract's
days."""

from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.collectivite_base.markers import is_marked, server_marks


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # Requester feedback
    sla_rating = fields.Selection(
        [
            ("1", "Very unsatisfied"),
            ("2", "Unsatisfied"),
            ("3", "Satisfied"),
            ("4", "Very satisfied"),
        ],
        string="Rating",
        copy=False,
        readonly=True,
    )
    sla_remark = fields.Text(string="Remark", copy=False, readonly=True)
    date_remark = fields.Datetime(copy=False, readonly=True)

    def _sla_check_remark_allowed(self, now=None):
        now = now or fields.Datetime.now()
        for ticket in self:
            if not ticket.stage_id.closed or not ticket.closed_date:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s is not resolved yet: you can rate it once it is.",
                        ticket=ticket.display_name,
                    )
                )
            days = ticket.sla_contract_id.remark_days if ticket.sla_contract_id else 8
            if now > ticket.closed_date + timedelta(days=days):
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s was resolved on %(date)s: ratings and remarks "
                        "are accepted during %(days)s days after resolution only.",
                        ticket=ticket.display_name,
                        date=fields.Date.to_string(ticket.closed_date.date()),
                        days=days,
                    )
                )

    def _sla_remark_ticket(self):
        """The ticket whose feedback the current user may give, as superuser:
        its requester's (read access and requester checked here), or anyone's
        holding its access token (checked by the portal controller, which sets
        the ``sla_remark_by_token`` marker)."""
        self.ensure_one()
        if is_marked("sla_remark_by_token"):
            return self.sudo()  # sudo: the controller checked the ticket's access token
        self.check_access("read")
        ticket = self.sudo()  # sudo: read access checked above
        if not ticket.partner_id or ticket.partner_id != self.env.user.partner_id:
            raise AccessError(
                self.env._(
                    "Only the requester of ticket %(ticket)s may rate it.",
                    ticket=ticket.display_name,
                )
            )
        return ticket

    def _sla_is_remark_open(self, now=None):
        """Whether the requester may still rate ``self`` (one ticket)."""
        self.ensure_one()
        if self.date_remark:
            return False
        try:
            self._sla_check_remark_allowed(now)
        except UserError:
            return False
        return True

    def action_sla_submit_remark(self, rating, remark):
        """Record the requester's rating and remark: by that requester only,
        once, within the allowed days."""
        self.ensure_one()
        ticket = self._sla_remark_ticket()
        if rating not in dict(self._fields["sla_rating"].selection):
            raise UserError(self.env._("Please choose a rating."))
        if remark and (not isinstance(remark, str) or "\x00" in remark):
            raise UserError(
                self.env._(
                    "Your text contains characters that cannot be recorded: please retype it."
                )
            )
        # Two submissions at once: the second waits, then sees the first.
        self.env.cr.execute(
            SQL("SELECT date_remark FROM helpdesk_ticket WHERE id = %s FOR UPDATE", ticket.id)
        )
        ticket.invalidate_recordset(["date_remark"])
        if ticket.date_remark:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s has already been rated: a rating is given once.",
                    ticket=ticket.display_name,
                )
            )
        ticket._sla_check_remark_allowed()
        with server_marks("sla_internal"):
            ticket.write(
                {
                    "sla_rating": rating,
                    "sla_remark": remark or False,
                    "date_remark": fields.Datetime.now(),
                }
            )
        ticket.message_post(
            body=self.env._(
                "Requester's rating: %(rating)s. %(remark)s",
                rating=dict(self._fields["sla_rating"]._description_selection(self.env))[rating],
                remark=remark or "",
            ),
            subtype_xmlid="mail.mt_note",
            author_id=ticket.partner_id.id,
        )
        return True
