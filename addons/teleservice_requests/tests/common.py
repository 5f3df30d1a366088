import base64
from datetime import datetime

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user

AGENT = "collectivite_base.collectivite_group_agent"
MANAGER = "collectivite_base.collectivite_group_manager"
PDF_PAGE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


class TeleserviceCommon(TransactionCase):
    """A catalogue of two categories, agents with each right on the first one,
    a manager, a household and its portal citizen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The suite is French: messages are checked as agents read them.
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env = cls.env(context=dict(cls.env.context, lang="fr_FR"))
        env = cls.env
        cls.company = env.ref("base.main_company")
        Category = env["collectivite.category"]
        cls.category = Category.create({"name": "Enfance (test)", "company_id": cls.company.id})
        cls.category_other = Category.create(
            {"name": "Voirie (test)", "company_id": cls.company.id}
        )
        cls.jtype_address = env["collectivite.justificatif.type"].create(
            {"name": "Domicile (test)", "code": "test_domicile", "validity_months": 3}
        )
        cls.diet = env["collectivite.parameter.list"].create(
            {
                "name": "Régimes (test)",
                "code": "test_regimes",
                "value_ids": [
                    Command.create({"key": "standard", "name": "Standard"}),
                    Command.create({"key": "sans_porc", "name": "Sans porc"}),
                ],
            }
        )
        cls.other_list = env["collectivite.parameter.list"].create(
            {
                "name": "Autre (test)",
                "code": "test_autre",
                "value_ids": [Command.create({"key": "x", "name": "X"})],
            }
        )
        cls.teleservice = env["collectivite.teleservice"].create(
            {
                "name": "Cantine (test)",
                "code": "test_cantine",
                "category_id": cls.category.id,
                "justificatif_type_ids": [Command.set(cls.jtype_address.ids)],
                "qos_delay_days": 10,
                "qos_alert_days": 3,
                "field_ids": [
                    Command.create(
                        {"key": "child", "name": "Enfant", "field_type": "char", "required": True}
                    ),
                    Command.create({"key": "days", "name": "Jours", "field_type": "number"}),
                    Command.create({"key": "start", "name": "Début", "field_type": "date"}),
                    Command.create(
                        {
                            "key": "diet",
                            "name": "Régime",
                            "field_type": "choice",
                            "parameter_list_id": cls.diet.id,
                        }
                    ),
                    Command.create(
                        {
                            "key": "diets",
                            "name": "Régimes",
                            "field_type": "multi_choice",
                            "parameter_list_id": cls.diet.id,
                        }
                    ),
                    Command.create({"key": "pai", "name": "PAI", "field_type": "boolean"}),
                ],
            }
        )
        cls.teleservice_other = env["collectivite.teleservice"].create(
            {"name": "Voirie (test)", "code": "test_voirie", "category_id": cls.category_other.id}
        )
        cls.user_none = new_test_user(env, login="ts_none", groups=AGENT, name="Agent Aucun")
        cls.user_read = new_test_user(env, login="ts_read", groups=AGENT, name="Agent Lecture")
        cls.user_write = new_test_user(env, login="ts_write", groups=AGENT, name="Agent Modif")
        cls.user_manage = new_test_user(env, login="ts_manage", groups=AGENT, name="Agent Gestion")
        cls.user_write2 = new_test_user(env, login="ts_write2", groups=AGENT, name="Agent Deux")
        cls.manager = new_test_user(env, login="ts_manager", groups=MANAGER, name="Manager Test")
        (
            cls.user_none
            | cls.user_read
            | cls.user_write
            | cls.user_manage
            | cls.user_write2
            | cls.manager
        ).write({"lang": "fr_FR", "tz": "Europe/Paris"})
        env["collectivite.category.right"].create(
            [
                {"category_id": cls.category.id, "user_id": user.id, "right": right}
                for user, right in (
                    (cls.user_none, "none"),
                    (cls.user_read, "read"),
                    (cls.user_write, "write"),
                    (cls.user_manage, "manage"),
                    (cls.user_write2, "write"),
                )
            ]
            + [
                {"category_id": cls.category_other.id, "user_id": user.id, "right": "none"}
                for user in (cls.user_none, cls.user_read, cls.user_write, cls.user_manage)
            ]
        )
        cls.citizen = new_test_user(
            env,
            login="ts_citizen",
            groups="base.group_portal",
            name="Camille Testeuse",
            email="camille.testeuse@example.org",
        )
        cls.citizen.partner_id.write(
            {"household_role": "responsible", "firstname": "Camille", "lastname": "Testeuse"}
        )
        cls.household = env["collectivite.household"].create(
            {
                "street": "rue de la Paix",
                "street_number": "3",
                "zip": "95300",
                "city": "Pontoise",
                "member_ids": [Command.link(cls.citizen.partner_id.id)],
            }
        )
        cls.child = env["res.partner"].create(
            {
                "firstname": "Léo",
                "lastname": "Testeur",
                "household_id": cls.household.id,
                "household_role": "child",
            }
        )

    @classmethod
    def _request(cls, teleservice=None, submit=True, **values):
        teleservice = teleservice or cls.teleservice
        request = cls.env["collectivite.request"].create(
            dict(
                {
                    "teleservice_id": teleservice.id,
                    "requester_id": cls.citizen.partner_id.id,
                    "subject_id": cls.child.id,
                    "household_id": cls.household.id,
                },
                **values,
            )
        )
        if teleservice == cls.teleservice:
            cls.env["collectivite.request.value"]._set_raw_values(request, {"child": "Léo"})
        if submit:
            request.action_submit()
        return request

    def _force(self, records, **values):
        """Set stored (computed) columns directly, as time passing would."""
        self.env.flush_all()
        assignments = ", ".join(f"{column} = %s" for column in values)
        self.env.cr.execute(
            f"UPDATE {records._table} SET {assignments} WHERE id IN %s",  # noqa: S608
            [*values.values(), tuple(records.ids)],
        )
        records.invalidate_recordset()

    def _page(self, name="facture.pdf"):
        return self.env["ir.attachment"].create(
            {"name": name, "datas": base64.b64encode(PDF_PAGE), "mimetype": "application/pdf"}
        )

    def _justificatif(self, request, **values):
        justificatif = self.env["collectivite.justificatif"].create(
            dict(
                {
                    "name": "Facture EDF",
                    "type_id": self.jtype_address.id,
                    "household_id": self.household.id,
                    "page_ids": [Command.link(self._page().id)],
                },
                **values,
            )
        )
        request.justificatif_ids = [Command.link(justificatif.id)]
        return justificatif

    @staticmethod
    def monday(hour=9):
        # Monday 2026-03-02, no public holiday in the following weeks.
        return datetime(2026, 3, 2, hour, 0)
