"""Several months of the support desk's history: tickets answered and closed
on time or late, escalations, ratings, outages and the phone desk's calls, so
that the service indicators, the monthly report and the phone statistics show
real figures.

Called by ``demo/helpdesk_sla_demo.xml`` (``<function>``), so databases without
demo data never run it. Deterministic (one seeded random generator) and batched:
tickets are created in one ``create``, answered and closed through the ticket's
own SLA methods, then back-dated in a few SQL statements."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.collectivite_base.markers import server_marks

MONTHS = 6
SEED = 20261201
PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")

# Per contract: team, requesters, product/component, subjects, tickets per month,
# working hours to the first response and to the resolution (ranges within and
# beyond the contract's targets), share answered late, share escalated.
PROFILES = [
    {
        "contract": "helpdesk_sla_fr.helpdesk_sla_contract_webrsa",
        "team": "helpdesk_sla_fr.helpdesk_team_webrsa",
        "partners": [
            "helpdesk_sla_fr.partner_rose_dupuis",
            "helpdesk_sla_fr.partner_karine_roussel",
        ],
        "products": [
            (
                "helpdesk_sla_fr.helpdesk_ticket_product_webrsa",
                "helpdesk_sla_fr.helpdesk_ticket_component_webrsa_orientation",
            ),
            ("helpdesk_sla_fr.helpdesk_ticket_product_webrsa", None),
        ],
        "subjects": [
            "Orientation impossible pour un allocataire",
            "Flux CAF du jour non intégré",
            "Lenteurs à l'ouverture des dossiers",
            "Courrier de convocation mal généré",
            "Droits d'accès à créer pour une nouvelle collègue",
            "Tableau de bord mensuel incomplet",
            "Recherche d'allocataire sans résultat",
            "Export des rendez-vous en échec",
            "Contrat d'engagement réciproque non imprimable",
        ],
        "per_month": 14,
        "response": (0.3, 6.0),
        "resolution": (4.0, 60.0),
        "late_share": 0.2,
        "late_resolution": (70.0, 160.0),
        "escalated_share": 0.1,
    },
    {
        "contract": "helpdesk_sla_fr.helpdesk_sla_contract_resotic",
        "team": "helpdesk_sla_fr.helpdesk_team_resotic",
        "partners": ["helpdesk_sla_fr.partner_lucas_bernard", "helpdesk_sla_fr.partner_marc_aubry"],
        "products": [
            (
                "helpdesk_sla_fr.helpdesk_ticket_product_hosting",
                "helpdesk_sla_fr.helpdesk_ticket_component_hosting_mail",
            ),
            ("helpdesk_sla_fr.helpdesk_ticket_product_hosting", None),
        ],
        "subjects": [
            "Messagerie lente pour toute la vie scolaire",
            "Boîte aux lettres du secrétariat pleine",
            "Réseau Wi-Fi du CDI coupé",
            "Imprimante de la salle des professeurs hors ligne",
            "Certificat expiré sur le webmail",
            "Comptes à créer pour les enseignants arrivés",
            "Sauvegarde du serveur pédagogique en échec",
            "Accès au VPN refusé pour la direction",
            "Liste de diffusion des parents délégués à mettre à jour",
        ],
        "per_month": 18,
        "response": (0.2, 3.5),
        "resolution": (2.0, 30.0),
        "late_share": 0.12,
        "late_response": (5.0, 70.0),
        "escalated_share": 0.15,
    },
    {
        "contract": "helpdesk_sla_fr.helpdesk_sla_contract_paris",
        "team": "helpdesk_sla_fr.helpdesk_team_paris",
        "partners": [
            "helpdesk_sla_fr.partner_ines_petit",
            "helpdesk_sla_fr.partner_helene_garnier",
        ],
        "products": [("helpdesk_sla_fr.helpdesk_ticket_product_ent", None)],
        "subjects": [
            "Réinitialisation du mot de passe ENT",
            "Cahier de textes inaccessible",
            "Emploi du temps non synchronisé",
            "Pièce jointe refusée par la messagerie ENT",
            "Compte parent non activé",
            "Notes non visibles par les élèves",
            "Carnet de liaison vide depuis la rentrée",
            "Espace de classe introuvable",
        ],
        "per_month": 30,
        "response": (0.02, 0.45),
        "resolution": (0.3, 9.0),
        "late_share": 0.08,
        "late_response": (0.6, 3.0),
        "escalated_share": 0.3,
    },
]
IMPACT_WEIGHTS = [("high", 2), ("medium", 5), ("low", 3)]
# Phone desk: calls per working day, share lost, seconds before pick-up.
PHONE_PROFILES = [
    {"contract": "helpdesk_sla_fr.helpdesk_sla_contract_paris", "calls": (8, 20), "lost": 0.07},
    {"contract": "helpdesk_sla_fr.helpdesk_sla_contract_webrsa", "calls": (3, 8), "lost": 0.05},
]
DESCRIPTION = "<p>Signalé par téléphone puis confirmé par courriel.</p>"
PHONE_AGENTS = ["Sophie Lefèvre", "Jean-Pierre Morel", "Nadia Haddad"]


def _utc(local):
    """Naive UTC datetime of a naive Paris wall time."""
    return local.replace(tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)


def _working_days(first, last):
    day = first
    while day < last:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


class HelpdeskSlaDemo(models.AbstractModel):
    _name = "helpdesk.sla.demo"
    _description = "Demo history of the support desk"

    @api.model
    def _create_history(self):
        """Tickets and calls of the last months (called by demo data)."""
        rng = random.Random(SEED)  # noqa: S311 (deterministic demo data, not secrets)
        now = fields.Datetime.now()
        first = (now.date().replace(day=1) - relativedelta(months=MONTHS)).replace(day=1)
        days = list(_working_days(first, now.date()))
        self._create_tickets(rng, days, now)
        self._create_calls(rng, days, now)
        self._create_outages()

    @api.model
    def _create_tickets(self, rng, days, now):
        ref = self.env.ref
        plans = []
        for profile in PROFILES:
            contract = ref(profile["contract"])
            calendar = contract.calendar_id
            per_day = profile["per_month"] / 21.0
            # Opened during the contract's opening hours (a blocking incident
            # outside them would call the on-call agent): some working time
            # after each day's midnight.
            midnights, offsets = [], []
            for day in days:
                count = int(per_day) + (1 if rng.random() < per_day - int(per_day) else 0)
                for _index in range(count):
                    midnights.append(_utc(datetime.combine(day, time())))
                    offsets.append(rng.uniform(0.1, calendar.hours_per_day - 1.0))
            starts = calendar.add_working_time(midnights, offsets, "hours") if midnights else []
            starts = [start for start in starts if start < now - timedelta(hours=1)]
            late = [rng.random() < profile["late_share"] for _start in starts]
            response = [
                rng.uniform(*profile.get("late_response", profile["response"]))
                if is_late and "late_response" in profile
                else rng.uniform(*profile["response"])
                for is_late in late
            ]
            resolution = [
                rng.uniform(*profile["late_resolution"])
                if is_late and "late_resolution" in profile
                else rng.uniform(*profile["resolution"])
                for is_late in late
            ]
            resolution = [
                max(res, resp + 0.2) for res, resp in zip(resolution, response, strict=True)
            ]
            responded = calendar.add_working_time(starts, response, "hours")
            closed = calendar.add_working_time(starts, resolution, "hours")
            for index, start in enumerate(starts):
                product, component = rng.choice(profile["products"])
                impact = rng.choices(
                    [i for i, _w in IMPACT_WEIGHTS], [w for _i, w in IMPACT_WEIGHTS]
                )[0]
                plans.append(
                    {
                        "vals": {
                            "name": rng.choice(profile["subjects"]),
                            "description": DESCRIPTION,
                            "team_id": ref(profile["team"]).id,
                            "partner_id": ref(rng.choice(profile["partners"])).id,
                            "product_id": ref(product).id,
                            "component_id": component and ref(component).id,
                            "impact": impact,
                            "is_blocking": impact == "high" and rng.random() < 0.5,
                            "date_sla_start": start,
                            "user_id": ref(
                                rng.choice(
                                    [
                                        "collectivite_base.user_agent",
                                        "collectivite_base.user_manager",
                                    ]
                                )
                            ).id,
                        },
                        "responded": responded[index] if responded[index] < now else None,
                        "closed": closed[index] if closed[index] < now else None,
                        "escalated": rng.random() < profile["escalated_share"],
                        "rating": rng.choices(["4", "3", "2", "1", None], [5, 4, 1, 0.3, 4])[0],
                    }
                )
        Ticket = self.env["helpdesk.ticket"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )
        tickets = Ticket.create([plan["vals"] for plan in plans])
        by_ticket = list(zip(tickets, plans, strict=True))
        # Back-dated creation: the indicators count tickets by their creation month.
        self._sql_update(
            "create_date = v.start, write_date = v.start, last_stage_update = v.start, "
            "assigned_date = v.start, sla_mail_pending = NULL",
            [(ticket.id, plan["vals"]["date_sla_start"]) for ticket, plan in by_ticket],
            "start",
        )
        tickets.invalidate_recordset()
        answered = [(ticket, plan) for ticket, plan in by_ticket if plan["responded"]]
        for ticket, plan in answered:
            ticket._sla_set_first_response(plan["responded"], recompute=False)
        escalated = [
            ticket.id for ticket, plan in by_ticket if plan["escalated"] and plan["responded"]
        ]
        if escalated:
            tickets.flush_recordset()
            self.env.cr.execute(
                SQL(
                    "UPDATE helpdesk_ticket SET escalation_level = 2 WHERE id = ANY(%s)",
                    escalated,
                )
            )
        done = [(ticket, plan) for ticket, plan in answered if plan["closed"]]
        closed = self.env["helpdesk.ticket"].union(*(ticket for ticket, _plan in done))
        with server_marks("sla_internal"):
            closed.write({"stage_id": ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id})
        self._sql_update(
            "closed_date = v.closed, last_stage_update = v.closed",
            [(ticket.id, plan["closed"]) for ticket, plan in done],
            "closed",
        )
        rated = [(ticket.id, plan["rating"]) for ticket, plan in done if plan["rating"]]
        self._sql_update("sla_rating = v.rating", rated, "rating", cast="varchar")
        tickets.invalidate_recordset()
        closed._sla_on_close()
        in_progress = self.env["helpdesk.ticket"].union(
            *(ticket for ticket, plan in answered if not plan["closed"])
        )
        with server_marks("sla_internal"):
            in_progress.write(
                {"stage_id": ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress").id}
            )
        tickets._sla_recompute()
        # No acknowledgement nor closing mail for the past.
        tickets.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET sla_mail_pending = NULL WHERE id = ANY(%s)",
                tickets.ids,
            )
        )
        tickets.invalidate_recordset()
        return tickets

    @api.model
    def _sql_update(self, assignments, rows, column, cast="timestamp"):
        """One ``UPDATE helpdesk_ticket`` from ``(id, value)`` rows."""
        if not rows:
            return
        self.env["helpdesk.ticket"].flush_model()
        self.env["helpdesk.ticket"].invalidate_model()
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket t SET %s FROM (SELECT unnest(%s::int[]) AS id, "
                "unnest(%s::%s[]) AS %s) v WHERE t.id = v.id",
                SQL(assignments),
                [row[0] for row in rows],
                [row[1] for row in rows],
                SQL(cast),
                SQL.identifier(column),
            )
        )

    @api.model
    def _create_calls(self, rng, days, now):
        values = []
        for profile in PHONE_PROFILES:
            contract = self.env.ref(profile["contract"])
            for day in days:
                for _index in range(rng.randint(*profile["calls"])):
                    minute = rng.randrange(8 * 60 + 30, 17 * 60 + 30)
                    when = _utc(datetime.combine(day, time(minute // 60, minute % 60)))
                    if when >= now:
                        continue
                    answered = rng.random() >= profile["lost"]
                    values.append(
                        {
                            "contract_id": contract.id,
                            "date_call": when,
                            "is_answered": answered,
                            "wait_seconds": int(rng.lognormvariate(2.6, 0.6))
                            if answered
                            else rng.randint(40, 180),
                            "agent": rng.choice(PHONE_AGENTS) if answered else False,
                        }
                    )
        return self.env["helpdesk.call.log"].create(values)

    @api.model
    def _create_outages(self):
        """Two past outages of WebRSA: the availability falls below 100 %."""
        contract = self.env.ref("helpdesk_sla_fr.helpdesk_sla_contract_webrsa")
        today = fields.Date.today().replace(day=1)
        values = []
        for months, day, hours in ((2, 10, 3), (4, 16, 5)):
            start = _utc(
                datetime.combine(
                    today - relativedelta(months=months) + timedelta(days=day), time(9)
                )
            )
            values.append(
                {
                    "contract_id": contract.id,
                    "service": "WebRSA",
                    "date_start": start,
                    "date_end": start + timedelta(hours=hours),
                }
            )
        return self.env["helpdesk.sla.outage"].create(values)
