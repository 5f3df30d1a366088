import io
import shutil
import subprocess

from odoo.tests import new_test_user

from odoo.addons.teleservice_requests.tests.common import MANAGER, TeleserviceCommon

EDITOR = "mail.group_mail_template_editor"

# Every variable of a letter, as the editor's placeholder picker writes it.
VARIABLES = (
    "object.name",
    "object.teleservice_id.name",
    "object.category_id.name",
    "object.letter_date_created",
    "object.letter_date_submitted",
    "object.letter_date_validated",
    "object.letter_date_legal_decision",
    "object.letter_legal_decision_nature",
    "object.letter_observation",
    "object.letter_household_number",
    "object.letter_requester_civility",
    "object.letter_requester_firstname",
    "object.letter_requester_lastname",
    "object.letter_requester_login",
    "object.requester_id.name",
    "object.subject_id.name",
    "object.letter_address_line1",
    "object.letter_address_line3",
    "object.letter_date_today",
    "object.letter_agent_name",
)


def body_with(*expressions):
    return "<div>%s</div>" % "".join(
        '<p>%s=<t t-out="%s"/></p>' % (expr.split(".")[-1], expr) for expr in expressions
    )


def pdf_text(raw):
    """The text of a PDF, by poppler's ``pdftotext`` (Debian poppler-utils)."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is installed by make deps"
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=raw,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode()


def pdf_pages(raw):
    from odoo.tools.pdf import PdfFileReader

    return len(PdfFileReader(io.BytesIO(raw)).pages)


class CourrierCommon(TeleserviceCommon):
    """The téléservices' test catalogue, its household with an e-mail address and
    a mobile, a template using every variable, a manager and a template editor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.teleservice.write({"legal_regime": "rejection", "legal_delay_months": 2})
        cls.household.write(
            {
                "email": "foyer.testeuse@example.org",
                "mobile": "+33612345678",
                "contact_channel": "mail",
            }
        )
        cls.citizen.partner_id.write(
            {"title": env.ref("base.res_partner_title_madam").id, "street": "3 rue de la Paix"}
        )
        cls.editor = new_test_user(
            env, login="cr_editor", groups=f"{MANAGER},{EDITOR}", name="Éditrice Modèles"
        )
        cls.editor.write({"lang": "fr_FR", "tz": "Europe/Paris"})
        cls.company.write({"city": "Pontoise", "street": "2 rue Victor Hugo", "zip": "95300"})
        cls.template = env["collectivite.letter.template"].create(
            {
                "name": "Modèle de test",
                "title": "Votre demande {{ object.name }}",
                "teleservice_ids": [(6, 0, cls.teleservice.ids)],
                "body_html": body_with(*VARIABLES),
            }
        )
        cls.request = cls._request()
