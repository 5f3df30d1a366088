"""Escalation of tickets at risk or past their deadline: the cron that moves
statuses and levels, the reassignment to the contract's escalation line, the
internal notes and the digest mail."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, html_sanitize
from odoo.tools.sql import drop_index

from odoo.addons.collectivite_base.markers import marked, server_marks

# Escalation level reached when a ticket gets to a status.
ESCALATION_LEVEL_BY_STATUS = {"at_risk": 2, "breached": 3}


# One file per concern of the ticket (see helpdesk_ticket.py), on purpose.
class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    # the system's history of the suite (collectivite_base): one bulk insert of notes
    _inherit = ["helpdesk.ticket", "collectivite.system.log"]  # pylint: disable=consider-merging-classes-inherited

    # searched after the partial index of open escalations (``sla_deadline_id``)
    escalation_level = fields.Integer(default=1, copy=False, readonly=True)
    date_escalation_notified = fields.Datetime(
        string="Escalation notified at", copy=False, readonly=True
    )

    def init(self):
        super().init()
        # 18.0.1.0.0 had a plain index on escalation_level: the partial one serves.
        drop_index(self.env.cr, "helpdesk_ticket__escalation_level_index", self._table)
        # The open escalations are found through the partial index of the
        # tickets' rows of due dates (``helpdesk.ticket.sla.deadline``).

    @api.model
    def _sla_escalation_domains(self):
        """One domain per target level (each served by a partial index)."""
        # the open tickets as the partial index of their rows of due dates says
        common = [
            ("sla_is_open", "=", True),
            ("date_sla_paused", "=", False),
            ("sla_contract_id", "!=", False),
        ]
        return [
            [("sla_status", "=", status), ("escalation_level", "<", level)] + common
            for status, level in ESCALATION_LEVEL_BY_STATUS.items()
        ]

    @api.model
    def _cron_sla_escalate(self, limit=5000):
        """Move statuses and escalate at-risk and breached tickets to the next
        level, one batch a run.

        A ticket's new status and escalation are written together (one UPDATE
        per ticket). Idempotent: the level reached is the marker, written in
        the same transaction as the notifications, so a rerun never notifies
        twice.
        """
        now = fields.Datetime.now()
        # The at-risk fill is a batch of its own, bounded as the statuses are.
        filled = self._sla_fill_at_risk(limit=limit)
        domains = self._sla_status_domains(now) + self._sla_escalation_domains()
        tickets = self.browse()
        for domain in domains:
            if len(tickets) < limit:
                tickets |= self.search(domain, limit=limit - len(tickets), order="id")
        if not tickets:
            self.env["ir.cron"]._notify_progress(
                done=filled, remaining=self.search_count(self._sla_at_risk_missing_domain())
            )
            return
        groups = defaultdict(list)
        for ticket in tickets:
            status = self._sla_status_of(
                {
                    "date_sla_deadline": ticket.date_sla_deadline,
                    "date_sla_at_risk": ticket.date_sla_at_risk,
                },
                now,
            )
            level = ESCALATION_LEVEL_BY_STATUS.get(status, 0)
            if level <= ticket.escalation_level:
                level = 0
            groups[(ticket.sla_contract_id, status, level)].append(ticket.id)
        for (contract, status, level), ids in groups.items():
            batch = self.browse(ids)
            if level:
                batch._sla_escalate(contract, level, now, status)
            else:
                with server_marks("sla_internal"):
                    batch.with_context(tracking_disable=True).write({"sla_status": status})
        remaining = sum(
            self.search_count(domain) for domain in [*domains, self._sla_at_risk_missing_domain()]
        )
        self.env["ir.cron"]._notify_progress(done=filled + len(tickets), remaining=remaining)

    @marked("sla_internal")
    def _sla_escalate(self, contract, level, now, status=None):
        """Reassign ``self`` (one contract) to ``level``, post in each chatter
        (one bulk insert) and mail the level's recipients one digest."""
        line = contract.escalation_ids.filtered(lambda e: e.level == str(level))[:1]
        values = {"escalation_level": level, "date_escalation_notified": now}
        if status:
            values["sla_status"] = status
        if line.user_id:
            values["user_id"] = line.user_id.id
        internal = self.with_context(tracking_disable=True)
        if line.team_id:
            # OCA recomputes stage and assignee of each ticket whose team
            # changes (a search per ticket); they are written here instead,
            # once per (stage, assignee) group, with the same rules.
            team = line.team_id
            applicable = team._get_applicable_stages()
            groups = defaultdict(list)
            for ticket in self:
                groups[(ticket.stage_id, ticket.user_id)].append(ticket.id)
            for (stage, user), ids in groups.items():
                group_values = dict(values, team_id=team.id)
                group_values["stage_id"] = (stage if stage in applicable else applicable[:1]).id
                if not line.user_id:
                    group_values["user_id"] = user.id if user in team.user_ids else False
                self.browse(ids).write(group_values)
        else:
            internal.write(values)
        lang = self._system_lang(contract.company_id)
        env = self.with_context(lang=lang).env
        if level == 2:
            text = env._("Escalated to level 2: the ticket is at risk of missing its deadline.")
        else:
            text = env._("Escalated to level 3: the ticket's deadline has passed.")
        if line:
            text = env._(
                "%(text)s Now handled by %(who)s.",
                text=text,
                who=(line.user_id or line.team_id).display_name,
            )
        self._sla_post_notes(Markup("<p>%s</p>") % text, now, f"escalation-{level}")
        recipients = line._recipients() if line else contract.team_id.user_id.partner_id
        if recipients:
            template = self.env.ref("helpdesk_sla_fr.mail_template_sla_escalation")
            template.with_context(
                lang=lang, escalation_ticket_ids=self.ids, escalation_level=level
            ).send_mail(
                contract.id,
                email_values={"recipient_ids": [(6, 0, recipients.ids)]},
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _sla_post_notes(self, body, now, tag):
        """One internal note per ticket of ``self``, in one INSERT (the suite's
        ``collectivite.system.log._system_log_sql``), authored by OdooBot: the
        cron's notes notify nobody, so the ORM's per-message work is skipped."""
        if not self:
            return
        author = self.env.ref("base.partner_root")
        self._system_log_sql(
            SQL("SELECT unnest(%s::int[]) AS id", self.ids),
            html_sanitize(body),
            author=author,
            date=now,
            email_from=author.email_formatted or None,
            message_id_prefix=f"<sla-{tag}-{int(now.timestamp())}-",
            company_field="company_id",
        )
