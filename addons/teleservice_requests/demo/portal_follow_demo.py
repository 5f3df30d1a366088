"""Demo of “Mes demandes”: the demo citizen Camille Martin has a request in
each state she can see, made through the actions as agents make them.

Called by ``demo/portal_follow_demo.xml`` (``<function>``)."""

from odoo import api, models
from odoo.fields import Command

from odoo.addons.collectivite_base.markers import server_marks

from ..models.collectivite_request_lock import LOCK_BYPASS_MARK

# (téléservice xmlid, person concerned xmlid, channel, agent steps, citizen note)
FOLLOW_REQUESTS = [
    ("teleservice_canteen", "partner_hugo_martin", "portal", [], None),
    ("teleservice_school", "partner_hugo_martin", "portal", ["action_start"], None),
    (
        "teleservice_canteen",
        "partner_lea_martin",
        "portal",
        ["action_start", "action_mark_incomplete"],
        "Bonjour, il manque un justificatif de domicile de moins de trois mois "
        "(facture d’électricité ou quittance de loyer). Merci de l’ajouter à votre demande.",
    ),
    (
        "teleservice_school",
        "partner_lea_martin",
        "counter",
        ["action_start", "action_mark_incomplete", "action_rectify"],
        None,
    ),
    ("teleservice_canteen", "partner_lea_martin", "counter", ["validate"], None),
    ("teleservice_birth_certificate", "partner_camille_martin", "portal", ["refuse"], None),
    ("teleservice_birth_certificate", "partner_camille_martin", "portal", ["action_cancel"], None),
    (
        "teleservice_birth_certificate",
        "partner_camille_martin",
        "counter",
        ["validate", "action_notify", "action_close"],
        None,
    ),
]


class CollectiviteRequestDemo(models.AbstractModel):
    _inherit = "collectivite.request.demo"

    @api.model
    def _create_follow_requests(self):
        ref = self.env.ref
        citizen = ref("household_accounts.partner_camille_martin", raise_if_not_found=False)
        agent = ref("collectivite_base.user_agent")
        if not citizen or not citizen.household_id:
            return
        household = citizen.household_id
        Request = self.env["collectivite.request"]
        for xmlid, subject_xmlid, channel, steps, note in FOLLOW_REQUESTS:
            teleservice = ref(f"teleservice_requests.{xmlid}")
            subject = ref(f"household_accounts.{subject_xmlid}")
            request = Request.create(
                {
                    "teleservice_id": teleservice.id,
                    "channel": channel,
                    "requester_id": citizen.id,
                    "subject_id": subject.id,
                    "household_id": household.id,
                }
            )
            self._fill_values(request)
            justificatifs = self.env["collectivite.justificatif"]
            if "action_mark_incomplete" not in steps or "action_rectify" in steps:
                justificatifs = justificatifs.create(
                    [
                        {
                            "name": jtype.name,
                            "type_id": jtype.id,
                            "household_id": household.id,
                            "partner_id": subject.id,
                            "company_id": request.company_id.id,
                            "page_ids": [Command.create(self._page_values(jtype))],
                        }
                        for jtype in teleservice.justificatif_type_ids
                    ]
                )
                request.justificatif_ids = justificatifs
            request.with_user(citizen.user_ids[:1] or agent).sudo().action_submit()
            as_agent = request.with_user(agent)
            for step in steps:
                if step == "validate":
                    if request.state == "pending":
                        as_agent.action_start()
                        as_agent.action_mark_complete()
                    justificatifs.with_user(agent).action_validate()
                    as_agent.action_validate_data()
                    as_agent.action_validate()
                elif step == "refuse":
                    as_agent.action_start()
                    as_agent.action_mark_complete()
                    as_agent._move(
                        "refused",
                        {
                            "refusal_reason": "L’acte demandé ne relève pas de la commune : "
                            "la naissance a été déclarée à Cergy. Adressez votre demande à la "
                            "mairie de Cergy."
                        },
                    )
                else:
                    getattr(as_agent, step)()
            if note:
                as_agent._post_citizen_note(note)
            with server_marks(LOCK_BYPASS_MARK):
                request.write({"lock_user_id": False, "lock_expiry": False})
