import base64

from lxml import html

from odoo import Command
from odoo.tests import HttpCase, new_test_user

from odoo.addons.collectivite_base.tests.common import json_rpc

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def read_form(page, css_class):
    """The form of ``page`` whose class is ``css_class``, as a browser posts it
    untouched: ``(action, values, tree)``; values are lists (checkboxes)."""
    tree = html.fromstring(page)
    forms = tree.xpath(f"//form[contains(concat(' ', @class, ' '), ' {css_class} ')]")
    assert forms, f"no form {css_class} in the page"
    form = forms[0]
    values = {}
    for field in form.xpath(".//input[@name]"):
        if field.get("type") in ("checkbox", "radio") and field.get("checked") is None:
            continue
        if field.get("type") == "file":
            continue
        values.setdefault(field.get("name"), []).append(field.get("value") or "")
    for field in form.xpath(".//textarea[@name]"):
        values[field.get("name")] = [field.text or ""]
    for select in form.xpath(".//select[@name]"):
        selected = select.xpath(".//option[@selected]")
        values[select.get("name")] = [(selected[0].get("value") or "") if selected else ""]
    return form.get("action"), values, tree


class PortalFormCase(HttpCase):
    """A commune with a canteen enrolment (household account, a school, a
    condition, a justificatif) and a birth certificate without account; two
    citizens with their households."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["res.lang"]._activate_lang("fr_FR")
        cls.company = env.ref("base.main_company")
        cls.category = env["collectivite.category"].create(
            {"name": "Enfance (portail)", "company_id": cls.company.id, "sequence": 1}
        )
        cls.jtype = env["collectivite.justificatif.type"].create(
            {"name": "Domicile (portail)", "code": "portal_domicile", "validity_months": 3}
        )
        cls.school = env["collectivite.school"].create(
            {"name": "École des Tests", "code": "EE-TEST", "company_id": cls.company.id}
        )
        cls.other_school = env["collectivite.school"].create(
            {
                "name": "École d’ailleurs",
                "code": "EE-AILLEURS",
                "company_id": cls.company.id,
                "place_type": "leisure_centre",
            }
        )
        cls.canteen = env["collectivite.teleservice"].create(
            {
                "name": "Cantine (portail)",
                "code": "portal_cantine",
                "category_id": cls.category.id,
                "needs_household": True,
                "portal_summary": "Inscrire un enfant au restaurant scolaire.",
                "justificatif_type_ids": [Command.set(cls.jtype.ids)],
                "field_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "key": "enfant",
                            "name": "Enfant",
                            "section": "Enfant",
                            "field_type": "member",
                            "required": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "key": "ecole",
                            "name": "École",
                            "section": "Enfant",
                            "field_type": "school",
                            "required": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 3,
                            "key": "allergie",
                            "name": "Allergie",
                            "section": "Restauration",
                            "field_type": "boolean",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 4,
                            "key": "detail",
                            "name": "Détail de l’allergie",
                            "section": "Restauration",
                            "field_type": "char",
                            "required": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 5,
                            "key": "jours",
                            "name": "Jours par semaine",
                            "section": "Restauration",
                            "field_type": "number",
                            "required": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 6,
                            "key": "remarque",
                            "name": "Remarque",
                            "section": "Restauration",
                            "field_type": "text",
                        }
                    ),
                ],
            }
        )
        cls.fields = {f.key: f for f in cls.canteen.field_ids}
        cls.fields["detail"].condition_field_id = cls.fields["allergie"]
        cls.birth = env["collectivite.teleservice"].create(
            {
                "name": "Acte de naissance (portail)",
                "code": "portal_acte",
                "category_id": cls.category.id,
                "portal_summary": "Sans compte.",
                "field_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "key": "nom",
                            "name": "Nom de naissance",
                            "section": "Personne concernée",
                            "field_type": "char",
                            "required": True,
                            "prefill_partner_field": "lastname",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "key": "naissance",
                            "name": "Date de naissance",
                            "section": "Personne concernée",
                            "field_type": "date",
                            "required": True,
                            "prefill_partner_field": "birthdate",
                        }
                    ),
                ],
            }
        )
        cls.offline = env["collectivite.teleservice"].create(
            {
                "name": "Hors ligne (portail)",
                "code": "portal_off",
                "category_id": cls.category.id,
                "is_online": False,
            }
        )
        cls.household_a, cls.citizen_a, cls.child_a = cls._citizen("Aurélie", "Dupuis", "pf_a")
        cls.household_b, cls.citizen_b, cls.child_b = cls._citizen("Bruno", "Ferrand", "pf_b")
        cls.document_a = env["collectivite.justificatif"].create(
            {
                "name": "Facture d’eau",
                "type_id": cls.jtype.id,
                "household_id": cls.household_a.id,
                "partner_id": cls.citizen_a.partner_id.id,
                "page_ids": [
                    Command.create({"name": "eau.pdf", "raw": PDF, "mimetype": "application/pdf"})
                ],
            }
        )
        cls.document_a.action_validate()
        cls.refused_a = env["collectivite.justificatif"].create(
            {
                "name": "Quittance floue",
                "type_id": cls.jtype.id,
                "household_id": cls.household_a.id,
                "comment": "Document illisible, merci de le renvoyer.",
                "page_ids": [
                    Command.create({"name": "q.pdf", "raw": PDF, "mimetype": "application/pdf"})
                ],
            }
        )
        cls.refused_a.action_refuse()

    @classmethod
    def _citizen(cls, firstname, lastname, login):
        env = cls.env
        partner = env["res.partner"].create(
            {
                "firstname": firstname,
                "lastname": lastname,
                "household_role": "responsible",
                "email": f"{login}@example.org",
                "birthdate": "1980-01-31",
            }
        )
        household = env["collectivite.household"].create(
            {
                "street_number": "4",
                "street": "rue de la République",
                "zip": "95300",
                "city": "Pontoise",
                "company_id": cls.company.id,
                "member_ids": [Command.link(partner.id)],
            }
        )
        household.action_validate()
        child = env["res.partner"].create(
            {
                "firstname": "Enfant",
                "lastname": lastname,
                "household_role": "child",
                "household_id": household.id,
                "birthdate": "2016-04-04",
            }
        )
        user = new_test_user(
            env,
            login=login,
            password=f"{login}_pw",
            groups="base.group_portal",
            partner_id=partner.id,
            lang="fr_FR",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        return household, user, child

    # ----------------------------------------------------------- helpers
    def login(self, user):
        self.authenticate(user.login, f"{user.login}_pw")

    def submit_form(self, page, css_class, changes=None, files=None, drop=()):
        """Post the form of ``page`` as rendered, with ``changes`` typed in."""
        action, values, _tree = read_form(page.text, css_class)
        for key in drop:
            values.pop(key, None)
        for key, value in (changes or {}).items():
            values[key] = value if isinstance(value, list) else [value]
        data = [(key, v) for key, vals in values.items() for v in vals]
        return self.url_open(action, data=data, files=files)

    def name(self, key):
        return f"field_{self.fields[key].id}"

    def start_canteen(self, user, child):
        self.login(user)
        page = self.url_open(f"/demarches/{self.canteen.id}")
        self.assertEqual(page.status_code, 200)
        return self.submit_form(page, "o_teleservice_start_form", {"subject_id": str(child.id)})

    def draft_of(self, partner, teleservice=None):
        return self.env["collectivite.request"].search(
            [
                ("requester_id", "=", partner.id),
                ("state", "=", "draft"),
                ("teleservice_id", "=", (teleservice or self.canteen).id),
            ]
        )

    def call_kw(self, model, method, args, kwargs=None):
        return json_rpc(self, model, method, args, kwargs)
