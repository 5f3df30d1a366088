"""Demo requests in every state, made through the actions as agents make them.

Called by ``demo/teleservice_demo.xml`` (``<function>``), so databases without
demo data never run it; it is not part of the request model."""

import base64
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Command

from odoo.addons.collectivite_base.markers import server_marks

from ..models.collectivite_request_lock import LOCK_BYPASS_MARK

# The scanned page of each demo justificatif (an agent validates only a
# justificatif that has one).
DEMO_PAGE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


class CollectiviteRequestDemo(models.AbstractModel):
    _name = "collectivite.request.demo"
    _description = "Demo requests generator"

    @api.model
    def _create_requests(self):
        """Demo requests in every state, through the actions (called by demo data)."""
        Partner = self.env["res.partner"]
        citizens = Partner.search(
            [("email", "in", ("camille.martin@example.org", "karim.benali@example.org"))]
        )
        if not citizens:
            citizens = Partner.create(
                [
                    {"name": "Camille Martin", "email": "camille.martin@example.org"},
                    {"name": "Karim Benali", "email": "karim.benali@example.org"},
                ]
            )
        ref = self.env.ref
        agent = ref("collectivite_base.user_agent")
        teleservices = [
            ref("teleservice_requests.teleservice_birth_certificate"),
            ref("teleservice_requests.teleservice_intervention"),
            ref("teleservice_requests.teleservice_electoral_roll"),
        ]
        household_teleservices = [
            ref("teleservice_requests.teleservice_school"),
            ref("teleservice_requests.teleservice_canteen"),
        ]
        paths = {
            "draft": [],
            "pending": ["action_submit"],
            "in_progress": ["action_submit", "action_start"],
            "complete": ["action_submit", "action_start", "action_mark_complete"],
            "incomplete": ["action_submit", "action_start", "action_mark_incomplete"],
            "rectified": [
                "action_submit",
                "action_start",
                "action_mark_incomplete",
                "action_rectify",
            ],
            "validated": ["action_submit", "action_start", "action_mark_complete", "validate"],
            "refused": ["action_submit", "action_start", "action_mark_complete", "refuse"],
            "cancelled": ["action_submit", "action_cancel"],
            "notified": [
                "action_submit",
                "action_start",
                "action_mark_complete",
                "validate",
                "action_notify",
            ],
            "closed": [
                "action_submit",
                "action_start",
                "action_mark_complete",
                "validate",
                "action_notify",
                "action_close",
            ],
            "archived": [
                "action_submit",
                "action_start",
                "action_mark_complete",
                "validate",
                "action_notify",
                "action_close",
                "action_archive_request",
            ],
        }
        Request = self.env["collectivite.request"]
        Justificatif = self.env["collectivite.justificatif"]
        for index, path in enumerate(paths.values()):
            citizen = citizens[(index // 2) % len(citizens)]
            household = citizen.household_id
            if household and index % 2:
                teleservice = household_teleservices[(index // 2) % 2]
            else:
                teleservice = teleservices[index % len(teleservices)]
            if teleservice.needs_household and not household:
                teleservice = teleservices[0]
            request = Request.create(
                {
                    "teleservice_id": teleservice.id,
                    "channel": "portal" if index % 3 else "counter",
                    "requester_id": citizen.id,
                    "subject_id": citizen.id,
                    "household_id": household.id if teleservice.needs_household else False,
                    "comment": "Demande de démonstration.",
                }
            )
            self._fill_values(request)
            justificatifs = Justificatif.create(
                [
                    {
                        "name": justificatif_type.name,
                        "type_id": justificatif_type.id,
                        "household_id": household.id,
                        "partner_id": citizen.id,
                        "company_id": request.company_id.id,
                        "page_ids": [Command.create(self._page_values(justificatif_type))],
                    }
                    for justificatif_type in teleservice.justificatif_type_ids
                ]
            )
            request.justificatif_ids = justificatifs
            as_agent = request.with_user(agent)
            for step in path:
                if step == "refuse":
                    # A refusal always states its reasons.
                    as_agent._move(
                        "refused",
                        {
                            "refusal_reason": "Les pièces fournies ne permettent pas "
                            "d’instruire la demande."
                        },
                    )
                elif step == "validate":
                    justificatifs.with_user(agent).action_validate()
                    as_agent.action_validate_data()
                    as_agent.action_validate()
                else:
                    getattr(as_agent, step)()
            with server_marks(LOCK_BYPASS_MARK):
                request.write({"lock_user_id": False, "lock_expiry": False})
        # Quality of service: an old pending request is late, another is urgent.
        late = Request.search([("state", "=", "pending")], limit=1, order="id")
        if late:
            late.write({"date_submitted": fields.Datetime.now() - timedelta(days=40)})
        urgent = Request.search([("state", "=", "in_progress")], limit=1)
        if urgent:
            urgent.write({"date_submitted": fields.Datetime.now() - timedelta(days=13)})
        Request._cron_update_qos()

    @api.model
    def _page_values(self, justificatif_type):
        return {
            "name": f"{justificatif_type.code}.pdf",
            "datas": base64.b64encode(DEMO_PAGE),
            "mimetype": "application/pdf",
        }

    @api.model
    def _fill_values(self, requests):
        """Sample answers to the form fields of ``requests``."""
        sample = {
            "char": "Exemple",
            "text": "Texte de démonstration",
            "number": "2",
            "date": fields.Date.to_string(fields.Date.context_today(requests)),
            "boolean": True,
        }
        for request in requests:
            raw = {}
            for line in request.value_ids:
                field = line.field_id
                if field.field_type in sample:
                    raw[field.key] = sample[field.field_type]
                elif field.field_type in ("choice", "multi_choice"):
                    raw[field.key] = field.parameter_list_id.value_ids[:1].key
                elif field.field_type == "member" and request.subject_id:
                    raw[field.key] = request.subject_id.id
                elif field.field_type == "address" and not line.value_text:
                    raw[field.key] = "2 rue de l’Hôtel de Ville\n95300 Pontoise"
            if raw:
                self.env["collectivite.request.value"]._set_raw_values(request, raw)
