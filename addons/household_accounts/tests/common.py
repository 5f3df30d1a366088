from contextlib import contextmanager

from lxml import html

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.collectivite_base.tests.common import json_rpc


def read_form(page, css_class):
    """The form of ``page`` (an HTML text) whose class is ``css_class``, as a browser posts it.

    :return: ``(action, values, options)``: the values of its inputs and selects as
        rendered (hidden ones included, e.g. the CSRF token), and the offered options
        of each select
    """
    tree = html.fromstring(page)
    form = tree.xpath(f"//form[contains(concat(' ', @class, ' '), ' {css_class} ')]")[0]
    values, options = {}, {}
    for field in form.xpath(".//input[@name]"):
        if field.get("type") in ("checkbox", "radio") and field.get("checked") is None:
            continue
        values[field.get("name")] = field.get("value") or ""
    for select in form.xpath(".//select[@name]"):
        offered = [option.get("value") or "" for option in select.xpath(".//option")]
        selected = select.xpath(".//option[@selected]")
        options[select.get("name")] = offered
        values[select.get("name")] = (
            (selected[0].get("value") or "") if selected else (offered[0] if offered else "")
        )
    return form.get("action"), values, options


class HouseholdCaseMixin:
    """Companies, one user per role and two citizens with their households."""

    @contextmanager
    def assertRefusal(self, exception, message):
        """``assertRaises`` (which rolls back what the refused call did) plus its message."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(message, str(caught.exception))

    def call_kw(self, model, method, args, kwargs=None, context=None):
        """A JSON-RPC call as the web client sends it, with the client's ``context``."""
        return json_rpc(self, model, method, args, kwargs, context)

    @classmethod
    def setup_household_data(cls):
        env = cls.env
        # The suite's language: portal pages and messages are checked in French.
        env["res.lang"]._activate_lang("fr_FR")
        cls.company = env.ref("base.main_company")
        cls.other_company = env["res.company"].create({"name": "Commune de Test-sur-Oise"})
        cls.agent = new_test_user(
            env,
            login="h_agent",
            password="h_agent_pw",
            groups="collectivite_base.collectivite_group_agent",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.other_agent = new_test_user(
            env,
            login="h_other_agent",
            password="h_other_agent_pw",
            groups="collectivite_base.collectivite_group_agent",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.manager = new_test_user(
            env,
            login="h_manager",
            password="h_manager_pw",
            groups="collectivite_base.collectivite_group_manager",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.other_company).ids)],
        )
        cls.admin = new_test_user(
            env,
            login="h_admin",
            password="h_admin_pw",
            groups="collectivite_base.collectivite_group_admin",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.other_company).ids)],
        )
        cls.household_a, cls.citizen_a = cls.create_citizen("Aurélie", "Dupuis", "h_citizen_a")
        cls.child_a = env["res.partner"].create(
            {
                "firstname": "Zoé",
                "lastname": "Dupuis",
                "birthdate": "2015-05-05",
                "household_role": "child",
                "household_id": cls.household_a.id,
            }
        )
        cls.household_b, cls.citizen_b = cls.create_citizen("Bruno", "Ferrand", "h_citizen_b")
        cls.member_b = cls.household_b.responsible_id

    @classmethod
    def create_household(cls, firstname, lastname, company=None, email=None, **values):
        partner = cls.env["res.partner"].create(
            {
                "firstname": firstname,
                "lastname": lastname,
                "birthdate": "1980-01-31",
                "household_role": "responsible",
                "email": email,
            }
        )
        return cls.env["collectivite.household"].create(
            dict(
                {
                    "street_number": "4",
                    "street": "rue de la République",
                    "zip": "95300",
                    "city": "Pontoise",
                    "company_id": (company or cls.company).id,
                    "member_ids": [Command.link(partner.id)],
                },
                **values,
            )
        )

    @classmethod
    def create_citizen(cls, firstname, lastname, login, state="valid"):
        household = cls.create_household(firstname, lastname, email=f"{login}@example.org")
        if state != "draft":
            household.action_validate()
        user = new_test_user(
            cls.env,
            login=login,
            password=f"{login}_pw",
            groups="base.group_portal",
            partner_id=household.responsible_id.id,
            name=household.responsible_id.name,
            lang="fr_FR",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        return household, user
