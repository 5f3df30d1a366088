from datetime import datetime
from zoneinfo import ZoneInfo

from odoo.tests import new_test_user

from odoo.addons.collectivite_base.markers import server_marks

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    """Naive UTC datetime of a Paris wall time."""
    return datetime(*args, tzinfo=PARIS).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


class SlaCaseMixin:
    """Users, contracts and a ticket factory shared by the SLA tests."""

    @classmethod
    def _setup_sla(cls):
        env = cls.env
        # Tickets of the database (demo data) stay out of the figures and crons.
        with server_marks("sla_internal"):
            env["helpdesk.ticket"].search([]).write({"active": False})
        # so do the demo history's calls and outages (demo/demo_history.py)
        env["helpdesk.call.log"].search([]).unlink()
        env["helpdesk.sla.outage"].search([]).unlink()
        cls.agent = new_test_user(
            env,
            login="sla_agent",
            name="Agathe Agent",
            groups="helpdesk_mgmt.group_helpdesk_user,collectivite_base.collectivite_group_agent",
        )
        cls.manager = new_test_user(
            env,
            login="sla_manager",
            name="Marc Manager",
            groups="helpdesk_mgmt.group_helpdesk_manager,collectivite_base.collectivite_group_manager",
        )
        cls.resotic = env.ref("helpdesk_sla_fr.helpdesk_sla_contract_resotic")
        cls.webrsa = env.ref("helpdesk_sla_fr.helpdesk_sla_contract_webrsa")
        cls.paris = env.ref("helpdesk_sla_fr.helpdesk_sla_contract_paris")
        # Demo data may bind WebRSA to its customers: the tests set it themselves.
        cls.webrsa.write({"partner_ids": [(5, 0, 0)], "referent_ids": [(5, 0, 0)]})
        cls.stage_new = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_waiting = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.organisation = env["res.partner"].create(
            {"name": "Mairie de Pontoise", "is_company": True}
        )
        cls.requester = new_test_user(
            env,
            login="test.requester1@example.org",
            name="Camille Martin",
            groups="base.group_portal",
        )
        cls.requester.partner_id.parent_id = cls.organisation
        cls.other_requester = new_test_user(
            env,
            login="test.requester2@example.org",
            name="Karim Benali",
            groups="base.group_portal",
        )

        # The desk's portal is for the requesters of a contract (a référent here).
        cls.paris.write(
            {
                "referent_ids": [
                    (4, cls.requester.partner_id.id),
                    (4, cls.other_requester.partner_id.id),
                ]
            }
        )

    @classmethod
    def _ticket_vals(cls, contract, start, **values):
        vals = {
            "name": "Messagerie indisponible",
            "description": "<p>Plus aucun courriel ne part depuis ce matin.</p>",
            "team_id": contract.team_id.id,
            "partner_id": cls.requester.partner_id.id,
            "date_sla_start": start,
        }
        vals.update(values)
        return vals

    def _ticket(self, contract, start, user=None, **values):
        Ticket = self.env["helpdesk.ticket"].with_user(user or self.agent)
        return Ticket.create(self._ticket_vals(contract, start, **values))
