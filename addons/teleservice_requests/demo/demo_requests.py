"""Demo requests: the stories of Pontoise's households, made through the actions
as agents make them.

Called by ``demo/teleservice_demo.xml`` (``<function>``), so databases without
demo data never run it; it is not part of the request model.

- one request in each state of the life cycle, today's work of the agents (an
  old pending one is late, one in progress is urgent);
- six months of handled requests (validated or refused, notified, closed), their
  dates moved back in time, so that the statistics (instruction times in working
  days, share handled within the quality of service) show real figures.

Every answer reads as a resident would write it: the child enrolled is a child
of the household, the school one of the commune's referential.
"""

import base64
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL

from odoo.addons.collectivite_base.markers import server_marks
from odoo.addons.collectivite_base.sql_arrays import pg_array

from ..models.collectivite_request_lock import LOCK_BYPASS_MARK
from ..tools import household_address

# The scanned page of each demo justificatif (an agent validates only a
# justificatif that has one).
DEMO_PAGE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"

HOUSEHOLDS = "household_accounts"
# School of each level, as the commune's referential (ldap_provisioning's
# ``collectivite.school``) names them.
SCHOOL_OF_LEVEL = {
    "PS": "École maternelle Marie Curie",
    "MS": "École maternelle Marie Curie",
    "GS": "École maternelle Marie Curie",
    "CP": "École élémentaire Jules Ferry",
    "CE1": "École élémentaire Jules Ferry",
}
JUSTIFICATIF_NAMES = {
    "domicile": "Facture d’électricité",
    "identite": "Carte nationale d’identité",
    "livret_famille": "Livret de famille",
    "vaccination": "Carnet de santé, pages des vaccinations",
    "plan_situation": "Plan de situation",
}
CERTIFICATE_REASONS = [
    "Renouvellement de la carte nationale d’identité",
    "Constitution d’un dossier de mariage",
    "Première demande de passeport",
    "Dossier de retraite",
]
BIRTH_PLACES = ["Pontoise (95)", "Cergy (95)", "Paris 14e (75)", "Lyon 3e (69)", "Rennes (35)"]
INTERVENTIONS = [
    (
        "eclairage",
        "Rue de la Coutellerie, face au n° 14, 95300 Pontoise",
        "Le lampadaire situé devant l’arrêt de bus est éteint depuis trois soirs ; "
        "le passage est très sombre à la sortie de l’école.",
    ),
    (
        "voirie",
        "Place du Grand Martroy, 95300 Pontoise",
        "Un nid-de-poule d’une trentaine de centimètres s’est formé devant la "
        "pharmacie ; deux cyclistes ont failli chuter.",
    ),
    (
        "proprete",
        "Chemin des Pâtis, près du parking des bords de l’Oise, 95300 Pontoise",
        "Dépôt sauvage d’un matelas et de sacs de gravats depuis le week-end.",
    ),
    (
        "tags",
        "Rue Pierre Butin, mur du gymnase, 95300 Pontoise",
        "Des tags ont été peints cette nuit sur le mur du gymnase, côté rue.",
    ),
    (
        "voirie",
        "Rue de Gisors, devant le n° 31, 95300 Pontoise",
        "Une plaque d’égout est descellée et bouge au passage des voitures.",
    ),
]
DEROGATION_REASON = (
    "Le frère aîné est déjà scolarisé dans cette école et nos horaires de travail ne "
    "permettent pas de déposer les enfants dans deux écoles différentes."
)
REFUSAL_REASON = (
    "Aucun acte à ce nom dans les registres de Pontoise : la naissance a été déclarée "
    "à la mairie du lieu de naissance, à laquelle l’usager a été invité à s’adresser."
)
COMMENTS = {
    "portal": "Demande déposée en ligne depuis l’espace famille.",
    "counter": "Dossier reçu au guichet de l’Hôtel de Ville, pièces vérifiées avec l’usager.",
    "phone": "Demande prise par téléphone, confirmation envoyée par courriel.",
    "mail": "Demande reçue par courrier postal, enregistrée par l’accueil.",
}
INCOMPLETE_NOTE = (
    "Le justificatif de domicile transmis est illisible : une nouvelle copie a été "
    "demandée à la famille."
)
PATHS = {
    "draft": [],
    "pending": ["action_submit"],
    "in_progress": ["action_submit", "action_start"],
    "complete": ["action_submit", "action_start", "action_mark_complete"],
    "incomplete": ["action_submit", "action_start", "action_mark_incomplete"],
    "rectified": ["action_submit", "action_start", "action_mark_incomplete", "action_rectify"],
    "validated": ["action_submit", "action_start", "action_mark_complete", "validate"],
    "refused": ["action_submit", "action_start", "action_mark_complete", "action_refuse"],
    "cancelled": ["action_submit", "action_cancel"],
    "notified": ["action_submit", "action_start", "action_mark_complete", "validate", "notify"],
    "closed": [
        "action_submit",
        "action_start",
        "action_mark_complete",
        "validate",
        "notify",
        "action_close",
    ],
    "archived": [
        "action_submit",
        "action_start",
        "action_mark_complete",
        "validate",
        "notify",
        "action_close",
        "action_archive_request",
    ],
}
# Today's work: (state, téléservice, requester, concerned person, channel).
CURRENT = [
    ("draft", "teleservice_canteen", "partner_heloise_da_silva", "partner_noe_da_silva", "portal"),
    ("pending", "teleservice_school", "partner_camille_martin", "partner_hugo_martin", "portal"),
    ("pending", "teleservice_birth_certificate", "partner_karim_benali", None, "portal"),
    ("in_progress", "teleservice_electoral_roll", "partner_karim_benali", None, "counter"),
    ("in_progress", "teleservice_intervention", "partner_francois_le_goff", None, "phone"),
    (
        "complete",
        "teleservice_canteen",
        "partner_camille_martin",
        "partner_hugo_martin",
        "portal",
    ),
    (
        "incomplete",
        "teleservice_school",
        "partner_heloise_da_silva",
        "partner_noe_da_silva",
        "portal",
    ),
    ("rectified", "teleservice_electoral_roll", "partner_thi_lan_nguyen", None, "portal"),
    (
        "validated",
        "teleservice_school",
        "partner_jean_baptiste_dupont",
        "partner_ines_dupont",
        "counter",
    ),
    ("refused", "teleservice_birth_certificate", "partner_gerard_moreau", None, "mail"),
    (
        "cancelled",
        "teleservice_intervention",
        "partner_marie_claire_lefevre_dupuis",
        None,
        "portal",
    ),
    (
        "notified",
        "teleservice_canteen",
        "partner_jean_baptiste_dupont",
        "partner_theo_dupont",
        "portal",
    ),
    ("closed", "teleservice_intervention", "partner_amadou_diallo", None, "portal"),
    ("archived", "teleservice_birth_certificate", "partner_camille_martin", None, "counter"),
]
# Six months of handled requests: (téléservice, requester, concerned person).
HISTORY_CASES = [
    ("teleservice_birth_certificate", "partner_camille_martin", None),
    ("teleservice_birth_certificate", "partner_julien_martin", None),
    ("teleservice_birth_certificate", "partner_francois_le_goff", None),
    ("teleservice_birth_certificate", "partner_anais_le_goff", None),
    ("teleservice_birth_certificate", "partner_fatoumata_diallo", None),
    ("teleservice_birth_certificate", "partner_elodie_dupont", None),
    ("teleservice_electoral_roll", "partner_chloe_dupont", None),
    ("teleservice_electoral_roll", "partner_heloise_da_silva", None),
    ("teleservice_electoral_roll", "partner_amadou_diallo", None),
    ("teleservice_electoral_roll", "partner_marie_claire_lefevre_dupuis", None),
    ("teleservice_intervention", "partner_camille_martin", None),
    ("teleservice_intervention", "partner_jean_baptiste_dupont", None),
    ("teleservice_intervention", "partner_gerard_moreau", None),
    ("teleservice_intervention", "partner_anais_le_goff", None),
    ("teleservice_intervention", "partner_heloise_da_silva", None),
    ("teleservice_intervention", "partner_julien_martin", None),
    ("teleservice_canteen", "partner_julien_martin", "partner_hugo_martin"),
    ("teleservice_canteen", "partner_elodie_dupont", "partner_theo_dupont"),
    ("teleservice_canteen", "partner_heloise_da_silva", "partner_noe_da_silva"),
    ("teleservice_canteen", "partner_elodie_dupont", "partner_ines_dupont"),
    ("teleservice_school", "partner_julien_martin", "partner_hugo_martin"),
    ("teleservice_school", "partner_heloise_da_silva", "partner_noe_da_silva"),
]
# A child is enrolled at school once; the other procedures come back.
ONCE = ("teleservice_school",)
HISTORY_ROUNDS = 2  # each case is handled twice over the six months
PARIS = ZoneInfo("Europe/Paris")


class CollectiviteRequestDemo(models.AbstractModel):
    _name = "collectivite.request.demo"
    _description = "Demo requests generator"

    @api.model
    def _create_requests(self):
        """The demo's requests (called by demo data)."""
        agent = self.env.ref("collectivite_base.user_agent")
        validated = {}  # (partner, type) -> a validated justificatif, for the history
        history = self._create_history(agent, validated)
        current = self._create_current(agent)
        Request = self.env["collectivite.request"]
        # Quality of service: an old pending request is late, one in progress is urgent.
        now = fields.Datetime.now()
        pending = current.filtered(lambda r: r.state == "pending")[:1]
        pending.write({"date_submitted": now - timedelta(days=40)})
        in_progress = current.filtered(lambda r: r.state == "in_progress")[:1]
        in_progress.write({"date_submitted": now - timedelta(days=13)})
        with server_marks(LOCK_BYPASS_MARK):
            (history | current).write({"lock_user_id": False, "lock_expiry": False})
        told = now - timedelta(hours=1)
        self._date_stories(
            (history | current).filtered(lambda r: r.date_submitted and r.date_submitted < told)
        )
        Request._cron_update_qos()

    @api.model
    def _date_stories(self, requests):
        """Requests told in the past (their dates written after their walk)
        keep a history of that past: the accusé de réception says the date
        received and the answer expected that the request now shows, and
        its messages are dated from the submission to the last action."""
        template = self.env.ref("teleservice_requests.mail_template_request_acknowledgement")
        rendered = template._collectivite_render(requests.ids)
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [("model", "=", "collectivite.request"), ("res_id", "in", requests.ids)],
                order="id",
            )
            .grouped("res_id")
        )
        now = fields.Datetime.now()
        dates = {}
        for request in requests:
            story = messages.get(request.id)
            if not story:
                continue
            values = rendered[request.id]
            # the accusé de réception and its mail
            acknowledgement = story.filtered(
                lambda m, subject=values["subject"]: m.subject == subject
            )
            acknowledgement.write({"body": values["body_html"]})
            start = request.date_submitted + timedelta(minutes=1)
            end = min(request.date_closed or request.date_last_action or now, now)
            # what came with the submission at once, the rest spread until the last action
            last = max(acknowledgement.ids or [0])
            first = story.filtered(lambda m, last=last: m.id <= last)
            rest = story - first
            step = (end - start) / (len(rest) + 1)
            dates.update(
                {message.id: start + timedelta(seconds=i) for i, message in enumerate(first)}
            )
            dates.update(
                {message.id: start + step * index for index, message in enumerate(rest, start=1)}
            )
            request.date_acknowledged = start
        # the messages' new dates in one statement (a write per message otherwise)
        self.env.cr.execute(
            SQL(
                """UPDATE mail_message m SET date = v.date
                     FROM unnest(%s::int[], %s::timestamp[]) AS v(id, date)
                    WHERE m.id = v.id""",
                pg_array(list(dates)),
                pg_array(list(dates.values())),
            )
        )
        self.env["mail.message"].invalidate_model(["date"])

    # ------------------------------------------------------------------ stories
    @api.model
    def _partner(self, xmlid):
        return self.env.ref(f"{HOUSEHOLDS}.{xmlid}") if xmlid else self.env["res.partner"]

    @api.model
    def _new_request(
        self, teleservice_xmlid, requester_xmlid, subject_xmlid, channel, variant, today=None
    ):
        teleservice = self.env.ref(f"teleservice_requests.{teleservice_xmlid}")
        requester = self._partner(requester_xmlid)
        subject = self._partner(subject_xmlid) or requester
        household = requester.household_id if teleservice.needs_household else False
        request = self.env["collectivite.request"].create(
            {
                "teleservice_id": teleservice.id,
                "channel": channel,
                "requester_id": requester.id,
                "subject_id": subject.id,
                "household_id": household.id if household else False,
                "comment": COMMENTS.get(channel, COMMENTS["portal"]),
            }
        )
        self._fill_values(request, variant, today)
        return request

    @api.model
    def _create_current(self, agent):
        requests = self.env["collectivite.request"]
        for index, (state, teleservice, requester, subject, channel) in enumerate(CURRENT):
            request = self._new_request(teleservice, requester, subject, channel, index)
            if state == "refused":
                request.refusal_reason = REFUSAL_REASON
            elif state in ("incomplete", "rectified"):
                request.comment = INCOMPLETE_NOTE
            justificatifs = self._justificatifs(request)
            self._walk(request, PATHS[state], agent, justificatifs)
            if state in ("closed", "archived"):
                # handled last week
                now = fields.Datetime.now()
                request.write(
                    {
                        "date_submitted": now - timedelta(days=9),
                        "date_closed": now - timedelta(days=5),
                        "date_last_action": now - timedelta(days=5),
                    }
                )
            requests |= request
        return requests

    @api.model
    def _create_history(self, agent, validated):
        """Handled requests over the last six months, dated as they happened."""
        rng = random.Random(2026)  # noqa: S311 (the same story on every database)
        requests = self.env["collectivite.request"]
        today = fields.Date.context_today(self)
        company = self.env.company
        calendar = company.collectivite_calendar_id or company.resource_calendar_id
        now = fields.Datetime.now()
        index = 0
        for round_index in range(HISTORY_ROUNDS):
            for teleservice, requester, subject in HISTORY_CASES:
                if round_index and teleservice in ONCE:
                    continue
                index += 1
                # Submitted on a working day of the last six months, at a resident's hour.
                days_back = rng.randint(20, 182) if round_index else rng.randint(20, 110)
                day = today - timedelta(days=days_back)
                while day.weekday() >= 5:
                    day -= timedelta(days=1)
                local = datetime.combine(day, time(rng.choice((8, 9, 10, 14, 16)), 30))
                submitted = local.replace(tzinfo=PARIS).astimezone(ZoneInfo("UTC"))
                submitted = submitted.replace(tzinfo=None)
                channel = rng.choice(("portal", "portal", "counter"))
                request = self._new_request(
                    teleservice, requester, subject, channel, index, today=day
                )
                refused = teleservice == "teleservice_birth_certificate" and index % 7 == 0
                justificatifs = self._justificatifs(request, validated)
                path = PATHS["closed"]
                if refused:
                    path = [
                        "action_submit",
                        "action_start",
                        "action_mark_complete",
                        "action_refuse",
                        "notify",
                        "action_close",
                    ]
                if refused:
                    request.refusal_reason = REFUSAL_REASON
                self._walk(request, path, agent, justificatifs)
                delay = request.teleservice_id.qos_delay_days or 10
                # Most are handled in time, some late (holidays, missing documents).
                if rng.random() < 0.8:
                    worked = rng.randint(1, delay - 1)
                else:
                    worked = delay + rng.randint(1, 6)
                closed = calendar.add_working_time([submitted], worked, "days")[0]
                closed += timedelta(hours=rng.randint(0, 5))
                if closed >= now:
                    closed = now - timedelta(hours=2)
                decided = max(submitted + timedelta(hours=1), closed - timedelta(days=1))
                request.write(
                    {
                        "date_submitted": submitted,
                        "date_closed": closed,
                        "date_last_action": closed,
                        "date_validated": False if refused else decided,
                    }
                )
                if not request.is_within_qos:
                    request.write({"is_late": True, "is_urgent": True})
                requests |= request
        # The oldest ones are filed.
        oldest = requests.sorted("date_closed")[:6]
        for request in oldest:
            request.with_user(agent).action_archive_request()
        return requests

    @api.model
    def _walk(self, request, path, agent, justificatifs):
        as_agent = request.with_user(agent)
        for step in path:
            if step == "validate":
                justificatifs.filtered(lambda j: j.state == "pending").with_user(
                    agent
                ).action_validate()
                as_agent.action_validate_data()
                as_agent.action_validate()
            elif step == "notify":
                as_agent.action_notify()
            else:
                getattr(as_agent, step)()
            # Each agent's change locks the request for a while: released here,
            # as the agent would when moving to the next one.
            with server_marks(LOCK_BYPASS_MARK):
                request.write({"lock_user_id": False, "lock_expiry": False})

    @api.model
    def _justificatifs(self, request, validated=None):
        """The justificatifs the téléservice asks for, linked to ``request``:
        new ones for today's work, the household's validated ones for the
        history (one per person and type, as a resident's space keeps them)."""
        Justificatif = self.env["collectivite.justificatif"]
        partner = request.subject_id if request.household_id else request.requester_id
        holder = request.requester_id
        result = Justificatif
        for justificatif_type in request.teleservice_id.justificatif_type_ids:
            owner = partner if justificatif_type.code == "vaccination" else holder
            key = (owner.id, justificatif_type.id)
            if validated is not None and key in validated:
                result |= validated[key]
                continue
            justificatif = Justificatif.create(
                {
                    "name": JUSTIFICATIF_NAMES.get(justificatif_type.code, justificatif_type.name),
                    "type_id": justificatif_type.id,
                    "household_id": request.household_id.id or owner.household_id.id,
                    "partner_id": owner.id,
                    "company_id": request.company_id.id,
                    "page_ids": [Command.create(self._page_values(justificatif_type))],
                }
            )
            if validated is not None:
                validated[key] = justificatif
            result |= justificatif
        request.justificatif_ids = [Command.link(j.id) for j in result]
        if validated is not None:
            # Checked once by the agent, kept in the household's space.
            agent = self.env.ref("collectivite_base.user_agent")
            result.filtered(lambda j: j.state == "pending").with_user(agent).action_validate()
        return result

    @api.model
    def _page_values(self, justificatif_type):
        return {
            "name": f"{justificatif_type.code}.pdf",
            "datas": base64.b64encode(DEMO_PAGE),
            "mimetype": "application/pdf",
        }

    # ------------------------------------------------------------------ answers
    @api.model
    def _school(self, level, company=None):
        """The school of the referential for a level (of ``company`` when given)."""
        name = SCHOOL_OF_LEVEL.get(level, "École élémentaire Jules Ferry")
        School = self.env["collectivite.school"]
        domain = [("place_type", "=", "school")]
        domain += [("company_id", "=", company.id)] if company else []
        return School.search(domain + [("name", "=", name)], limit=1) or School.search(
            domain + [("name", "ilike", "école")], limit=1
        )

    @api.model
    def _school_name(self, level):
        return self._school(level).name or SCHOOL_OF_LEVEL.get(
            level, "École élémentaire Jules Ferry"
        )

    @api.model
    def _level(self, child, today):
        """The level of the coming school year for a child's birth year."""
        if not child.birthdate:
            return "CP"
        school_year = today.year if today.month < 9 else today.year + 1
        age = school_year - child.birthdate.year
        return {3: "PS", 4: "MS", 5: "GS", 6: "CP"}.get(age, "CE1")

    @api.model
    def _start_date(self, today):
        """The canteen from the first Monday two weeks after the request."""
        start = today + timedelta(days=14)
        start += timedelta(days=(7 - start.weekday()) % 7)
        return fields.Date.to_string(start)

    @api.model
    def _fill_values(self, requests, variant=0, today=None):
        """Answers to the form fields of ``requests``, as their residents give them
        on ``today`` (default: today)."""
        today = today or fields.Date.context_today(self)
        Value = self.env["collectivite.request.value"]
        for request in requests:
            code = request.teleservice_id.code
            person = request.subject_id or request.requester_id
            keys = set(request.value_ids.mapped("field_id.key"))
            raw = {}
            if code == "inscription_scolaire":
                level = self._level(person, today)
                derogation = variant % 3 == 0
                raw = {
                    "enfant": person.id,
                    "niveau": level,
                    "ecole_souhaitee": self._school_name(level),
                    "derogation": derogation,
                    "motif_derogation": DEROGATION_REASON if derogation else "",
                }
            elif code == "restauration_scolaire":
                raw = {
                    "enfant": person.id,
                    "ecole": self._school(self._level(person, today), request.company_id).id,
                    "regime": ["sans_porc"] if variant % 4 == 1 else ["standard"],
                    "jours": "4" if variant % 2 else "2",
                    "date_debut": self._start_date(today),
                }
            elif code == "acte_naissance":
                raw = {
                    "nom_naissance": person.lastname or person.name,
                    "prenoms": person.firstname or person.name,
                    "date_naissance": fields.Date.to_string(person.birthdate or date(1980, 1, 1)),
                    "type_acte": "copie_integrale" if variant % 2 else "extrait_filiation",
                    "nombre": "1" if variant % 3 else "2",
                    "motif": CERTIFICATE_REASONS[variant % len(CERTIFICATE_REASONS)],
                }
            elif code == "listes_electorales":
                young = bool(person.birthdate and today.year - person.birthdate.year < 21)
                raw = {
                    "nom": person.lastname or person.name,
                    "prenoms": person.firstname or person.name,
                    "date_naissance": fields.Date.to_string(person.birthdate or date(1980, 1, 1)),
                    "lieu_naissance": BIRTH_PLACES[variant % len(BIRTH_PLACES)],
                    "premiere_inscription": young,
                }
                household = person.household_id
                raw["adresse"] = (
                    household_address(household)
                    if household
                    else "Hôtel de Ville, 2 rue de l’Hôtel de Ville\n95300 Pontoise"
                )
            elif code == "intervention_technique":
                kind, place, description = INTERVENTIONS[variant % len(INTERVENTIONS)]
                raw = {"type_intervention": kind, "lieu": place, "description": description}
            raw = {key: value for key, value in raw.items() if key in keys}
            if raw:
                Value._set_raw_values(request, raw)
