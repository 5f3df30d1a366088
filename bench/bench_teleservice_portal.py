"""Bench of the citizen's online procedures (teleservice_requests portal), over
HTTP on the bench database of ``bench_teleservice`` (its requests): the public
catalogue, one step of a form, and sending a request with two justificatifs
of 1 MB each (upload, checks of their content, submission)."""

import re
import time
import urllib.request
import uuid

from common import Browser

NAME = "teleservice_portal"
ADDONS = ("teleservice_requests",)
NEEDS = ("teleservice",)

CITIZEN_LOGIN = "bench.portal.citizen@example.org"
CITIZEN_PASSWORD = "bench-portal-citizen"  # noqa: S105
CODE = "bench_portal_cantine"
PDF_MB = b"%PDF-1.4\n" + b"0" * (1024 * 1024 - 20) + b"\n%%EOF"


def _pdf_mb():
    """A 1 MB PDF of its own (citizens' files differ: an identical file would
    make Odoo compare it with the stored one, byte by byte)."""
    mark = uuid.uuid4().hex.encode()
    return PDF_MB[:9] + mark + PDF_MB[9 + len(mark) :]


def generate(bench):
    """An online canteen enrolment (two steps, two justificatif types, a school)
    and a citizen with a household of two (idempotent)."""
    with bench.env() as env:
        company = env.ref("base.main_company")
        Teleservice = env["collectivite.teleservice"]
        if Teleservice.search([("code", "=", CODE)]):
            return
        category = env["collectivite.category"].create(
            {"name": "Bench portail", "company_id": company.id}
        )
        jtypes = env["collectivite.justificatif.type"].create(
            [
                {"name": "Bench domicile", "code": "bench_portal_domicile"},
                {"name": "Bench livret", "code": "bench_portal_livret"},
            ]
        )
        env["collectivite.school"].create(
            {"name": "École du bench", "code": "EE-BENCH", "company_id": company.id}
        )
        Teleservice.create(
            {
                "name": "Bench cantine",
                "code": CODE,
                "category_id": category.id,
                "needs_household": True,
                "portal_summary": "Inscription à la cantine (bench).",
                "justificatif_type_ids": [(6, 0, jtypes.ids)],
                "field_ids": [
                    (
                        0,
                        0,
                        {
                            "sequence": 1,
                            "key": "enfant",
                            "name": "Enfant",
                            "section": "Enfant",
                            "field_type": "member",
                            "required": True,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 2,
                            "key": "ecole",
                            "name": "École",
                            "section": "Enfant",
                            "field_type": "school",
                            "required": True,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 3,
                            "key": "jours",
                            "name": "Jours",
                            "section": "Restauration",
                            "field_type": "number",
                            "required": True,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 4,
                            "key": "remarque",
                            "name": "Remarque",
                            "section": "Restauration",
                            "field_type": "text",
                        },
                    ),
                ],
            }
        )
        partner = env["res.partner"].create(
            {
                "firstname": "Camille",
                "lastname": "Bench",
                "household_role": "responsible",
                "email": CITIZEN_LOGIN,
            }
        )
        household = env["collectivite.household"].create(
            {
                "street": "rue du Bench",
                "zip": "95300",
                "city": "Pontoise",
                "company_id": company.id,
                "member_ids": [(4, partner.id)],
            }
        )
        household.action_validate()
        env["res.partner"].create(
            {
                "firstname": "Léo",
                "lastname": "Bench",
                "household_role": "child",
                "household_id": household.id,
            }
        )
        env["res.users"].with_context(no_reset_password=True).create(
            {
                "login": CITIZEN_LOGIN,
                "password": CITIZEN_PASSWORD,
                "partner_id": partner.id,
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
            }
        )


def _multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
        )
    for name, filename, content in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _post_files(browser, path, fields, files):
    body, content_type = _multipart(fields, files)
    request = urllib.request.Request(  # noqa: S310
        f"{browser.base}{path}", data=body, headers={"Content-Type": content_type}
    )
    with browser.opener.open(request, timeout=browser.timeout) as response:
        return response.geturl(), response.read()


def run(bench):
    with bench.env() as env:
        # The documents earlier runs sent leave the household (not timed): each run
        # sends 24, and the justificatifs page lists the household's documents, so
        # that every run measures the same household (none left from before).
        env.cr.execute(
            "UPDATE collectivite_justificatif SET household_id = NULL WHERE household_id IN "
            "(SELECT p.household_id FROM res_users u JOIN res_partner p ON p.id = u.partner_id"
            " WHERE u.login = %s)",
            [CITIZEN_LOGIN],
        )
        env.cr.commit()
        teleservice = env["collectivite.teleservice"].search([("code", "=", CODE)])
        fields = {f.key: f"field_{f.id}" for f in teleservice.field_ids}
        jtypes = teleservice.justificatif_type_ids.ids
        school = env["collectivite.school"].search([("code", "=", "EE-BENCH")]).id
        citizen = env["res.users"].search([("login", "=", CITIZEN_LOGIN)])
        child = citizen.partner_id.household_id.member_ids.filtered(
            lambda m: m.household_role == "child"
        ).id
        total = env["collectivite.request"].search_count([])
    browser = Browser(bench.server_url(), CITIZEN_LOGIN, CITIZEN_PASSWORD)

    def catalogue():
        if b"Bench cantine" not in browser.get("/demarches"):
            raise RuntimeError("The catalogue does not list the bench téléservice.")

    bench.measure(
        "teleservice portal: catalogue /demarches (HTTP, citizen)",
        catalogue,
        repeat=30,
        target_ms=100,
        warmup=3,
        note=f"{total:,} requests in the database",
    )

    def start():
        token = browser.csrf(f"/demarches/{teleservice.id}")
        with browser.opener.open(
            urllib.request.Request(  # noqa: S310
                f"{browser.base}/demarches/{teleservice.id}/commencer",
                data=urllib.parse.urlencode({"csrf_token": token, "subject_id": child}).encode(),
            ),
            timeout=browser.timeout,
        ) as response:
            url = response.geturl()
        return int(re.search(r"/brouillon/(\d+)/", url).group(1)), token

    draft_id, token = start()
    step_url = f"/demarches/brouillon/{draft_id}/etape/1"
    days = iter(range(1, 1000))

    def step():
        answer = browser.post(
            step_url,
            {
                "csrf_token": token,
                fields["jours"]: str(next(days) % 5 + 1),
                fields["remarque"]: "Pas de remarque.",
            },
        )
        if b"o_teleservice_justificatifs_form" not in answer:
            raise RuntimeError("The step was not accepted.")

    bench.measure(
        "teleservice portal: one form step (HTTP POST, validated and saved, next page)",
        step,
        repeat=30,
        target_ms=100,
        warmup=3,
    )

    def prepared():
        """A new draft whose steps are filled, ready for its justificatifs."""
        draft, csrf = start()
        browser.post(
            f"/demarches/brouillon/{draft}/etape/0", {"csrf_token": csrf, fields["ecole"]: school}
        )
        browser.post(
            f"/demarches/brouillon/{draft}/etape/1", {"csrf_token": csrf, fields["jours"]: "4"}
        )
        return draft, csrf

    timings = []
    cpu = [0.0, 0.0]
    for index in range(12):
        draft, csrf = prepared()
        before = bench.server_cpu()
        started = time.perf_counter()
        url, _page = _post_files(
            browser,
            f"/demarches/brouillon/{draft}/justificatifs",
            [("csrf_token", csrf)] + [(f"jtype_{jtype}", "new") for jtype in jtypes],
            [(f"upload_{jtype}", f"piece-{jtype}.pdf", _pdf_mb()) for jtype in jtypes],
        )
        if "/recapitulatif" not in url:
            raise RuntimeError("The justificatifs were not accepted.")
        sent = browser.post(f"/demarches/brouillon/{draft}/envoyer", {"csrf_token": csrf})
        timings.append((time.perf_counter() - started) * 1000)
        used = bench.server_cpu_since(before)
        if used and index >= 2:
            cpu = [cpu[0] + used[0], cpu[1] + used[1]]
        if b"o_teleservice_sent" not in sent:
            raise RuntimeError("The request was not sent.")
    bench.record(
        "teleservice portal: send a request with two 1 MB justificatifs (HTTP)",
        timings[2:],
        target_ms=500,
        note=bench.cpu_text(
            "upload of 2 x 1 MB (type read from the content), summary, submission",
            cpu[0] / len(timings[2:]),
            cpu[1] / len(timings[2:]),
        ),
    )
