"""Bench of courrier_templates: a mass sending of one template to 500 requests,
end to end (the letters rendered, their PDFs by wkhtmltopdf in batches of the
cron, split per request, stored and linked to each request, the history
written), and the HTML preview of one letter in the "Contacter l'usager"
wizard.

Data: one téléservice, one household and 500 submitted requests (scale 1),
created once. Each mass sending runs in a transaction rolled back afterwards,
so that the bench can run again on the same data. The letters' page carries its
own stylesheet: wkhtmltopdf fetches nothing.
"""

import time

from common import bench_user  # noqa: E402

NAME = "courrier"
ADDONS = ("courrier_templates",)

REQUESTS = 500
SENDING_TARGET_MS = 10_000
PREVIEW_TARGET_MS = 500
AGENT_LOGIN = "bench.courrier.agent"
CODE = "bench_courrier"


def _setup(env):
    company = env.ref("base.main_company")
    Category = env["collectivite.category"]
    category = Category.search([("name", "=", "Bench courrier")], limit=1) or Category.create(
        {"name": "Bench courrier", "company_id": company.id}
    )
    Teleservice = env["collectivite.teleservice"]
    teleservice = Teleservice.search([("code", "=", CODE)], limit=1) or Teleservice.create(
        {
            "name": "Bench inscription",
            "code": CODE,
            "category_id": category.id,
            "legal_regime": "acceptance",
        }
    )
    agent = bench_user(
        env,
        AGENT_LOGIN,
        "collectivite_base.collectivite_group_agent",
        name="Agent Bench Courrier",
        password=AGENT_LOGIN,
        email="bench.courrier@example.org",
        lang="fr_FR",
        tz="Europe/Paris",
    )
    Right = env["collectivite.category.right"]
    if not Right.search([("category_id", "=", category.id), ("user_id", "=", agent.id)]):
        Right.create({"category_id": category.id, "user_id": agent.id, "right": "write"})
    return teleservice, agent


def generate(bench):
    count = bench.size(REQUESTS)
    with bench.env() as env:
        teleservice, _agent = _setup(env)
        Request = env["collectivite.request"]
        existing = Request.search_count([("teleservice_id", "=", teleservice.id)])
        if existing >= count:
            return
        Partner = env["res.partner"]
        citizen = Partner.search([("ref", "=", "bench-courrier")], limit=1) or Partner.create(
            {
                "name": "Camille Bench",
                "firstname": "Camille",
                "lastname": "Bench",
                "ref": "bench-courrier",
                "email": "camille.bench@example.org",
                "household_role": "responsible",
            }
        )
        household = citizen.household_id or env["collectivite.household"].create(
            {
                "street_number": "3",
                "street": "rue de la Paix",
                "zip": "95300",
                "city": "Pontoise",
                "email": "foyer.bench@example.org",
                "member_ids": [(4, citizen.id)],
            }
        )
        requests = Request.create(
            [
                {
                    "teleservice_id": teleservice.id,
                    "requester_id": citizen.id,
                    "subject_id": citizen.id,
                    "household_id": household.id,
                    "channel": "portal",
                }
                for _i in range(count - existing)
            ]
        )
        requests.action_submit()


def run(bench):
    count = bench.size(REQUESTS)
    with bench.env() as env:
        teleservice, agent = _setup(env)
        requests = env["collectivite.request"].search(
            [("teleservice_id", "=", teleservice.id)], limit=count, order="id"
        )
        template = env.ref("courrier_templates.letter_template_enrolment_validated")
        Batch = env["collectivite.letter.batch"]
        timings = []
        for _run in range(3):
            savepoint = env.cr.savepoint()
            start = time.perf_counter()
            batch = (
                Batch.with_user(agent)
                .with_context(lang="fr_FR")
                .create(
                    {
                        "template_id": template.id,
                        "means": "mail",
                        "observation": "La rentrée a lieu le 1er septembre.",
                        "request_ids": [(6, 0, requests.ids)],
                        "is_empty_confirmed": True,
                    }
                )
            )
            batch.action_start()
            while Batch.sudo()._cron_send_letter_batches():
                pass
            env.flush_all()
            timings.append((time.perf_counter() - start) * 1000)
            letters = env["collectivite.letter"].search([("batch_id", "=", batch.id)])
            assert len(letters) == len(requests), (len(letters), len(requests))
            assert all(letters.mapped("attachment_id")), "every letter has its PDF"
            savepoint.rollback()
        bench.record(
            f"mass sending: {len(requests)} letters, PDFs stored and linked (end to end)",
            timings,
            target_ms=SENDING_TARGET_MS,
            note="cron batches of 250, one wkhtmltopdf run each",
        )
        request = requests[:1].with_user(agent)
        Wizard = env["collectivite.letter.wizard"].with_user(agent).with_context(lang="fr_FR")

        def preview():
            wizard = Wizard.new(
                {
                    "request_id": request.id,
                    "means": "mail",
                    "template_id": template.id,
                    "text": "Observation",
                }
            )
            assert request.name in str(wizard.preview_html)

        bench.measure(
            "letter preview (HTML) in the contact wizard",
            preview,
            repeat=30,
            target_ms=PREVIEW_TARGET_MS,
        )
        env.cr.rollback()
