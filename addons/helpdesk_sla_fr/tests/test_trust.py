"""Issue 9, "Trust from the outside": each rule proved over HTTP and JSON-RPC,
as a requester, a requester of another organisation, a colleague of the
requester and a helpdesk agent; every refusal leaves the record unchanged
(read back as admin)."""

from datetime import timedelta

from lxml import html as lxml_html

from odoo import fields, http
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.markers import server_marks
from odoo.addons.collectivite_base.tests.common import json_rpc

from .common import SlaCaseMixin

REQUESTER = "test.requester1@example.org"
OTHER = "test.requester2@example.org"
COLLEAGUE = "test.colleague@example.org"
AGENT = "sla_agent"

# What a ticket's SLA and feedback look like, read back as admin.
WATCHED = [
    "stage_id",
    "priority",
    "impact",
    "is_blocking",
    "closed_date",
    "sla_status",
    "date_response_due",
    "date_sla_deadline",
    "sla_mail_pending",
    "sla_rating",
    "sla_remark",
    "date_remark",
    "escalation_level",
    "kpi_resolution_in_time",
]


@tagged("post_install", "-at_install")
class TestSlaTrust(SlaCaseMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.requester.lang = "fr_FR"
        cls.other_requester.partner_id.parent_id = cls.env["res.partner"].create(
            {"name": "Mairie de Cergy", "is_company": True}
        )
        cls.colleague = new_test_user(
            cls.env, login=COLLEAGUE, name="Paul Collègue", groups="base.group_portal"
        )
        cls.colleague.partner_id.parent_id = cls.organisation
        cls.paris.send_closing_mail = True
        cls.stage_cancelled = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")
        cls.stage_rejected = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected")
        cls.ticket = cls._new_ticket()

    @classmethod
    def _new_ticket(cls, **values):
        vals = cls._ticket_vals(
            cls.paris, fields.Datetime.now(), impact="high", is_blocking=True, **values
        )
        ticket = cls.env["helpdesk.ticket"].with_user(cls.agent).create(vals)
        ticket.with_user(cls.agent).write({"stage_id": cls.stage_progress.id})
        return ticket

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _state(self, ticket=None):
        ticket = (ticket or self.ticket).sudo()
        ticket.invalidate_recordset()
        return ticket.read(WATCHED)[0]

    def _call_kw(self, model, method, args, kwargs=None):
        return json_rpc(self, model, method, args, kwargs)

    def _assert_rpc_error(self, result, *names):
        self.assertIn("error", result, result)
        self.assertIn(result["error"]["data"]["name"], names, result["error"])

    def _form(self, page, action):
        """Method, action and fields of the form of ``page`` posting to ``action``."""
        forms = lxml_html.fromstring(page).xpath(f"//form[@action='{action}']")
        self.assertTrue(forms, f"no form to {action}")
        return [
            (
                form.get("method", "get").upper(),
                {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@name]")},
            )
            for form in forms
        ]

    def _csrf(self):
        return http.Request.csrf_token(self)

    def _close_ticket(self, days_ago=1):
        self.ticket.with_user(self.agent).write({"stage_id": self.stage_done.id})
        with server_marks("sla_internal"):
            self.ticket.write({"closed_date": fields.Datetime.now() - timedelta(days=days_ago)})

    # ------------------------------------------------------------------
    # /ticket/close
    # ------------------------------------------------------------------

    def test_close_as_rendered_posts_with_csrf(self):
        self.authenticate(REQUESTER, REQUESTER)
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertEqual(page.status_code, 200)
        forms = self._form(page.text, "/ticket/close")
        stages = {values["stage_id"] for _method, values in forms}
        # "Rejected" is closed but not offered to the portal
        self.assertEqual(stages, {str(self.stage_done.id), str(self.stage_cancelled.id)})
        method, values = next(f for f in forms if f[1]["stage_id"] == str(self.stage_done.id))
        self.assertEqual(method, "POST")
        self.assertTrue(values.get("csrf_token"))
        response = self.url_open("/ticket/close", data=values)
        self.assertEqual(response.status_code, 200)
        state = self._state()
        self.assertEqual(state["stage_id"][0], self.stage_done.id)
        self.assertTrue(state["closed_date"])
        self.assertEqual(state["sla_mail_pending"], "closing")
        self.assertEqual(state["sla_status"], "met")

    def test_close_refusals_leave_ticket_unchanged(self):
        before = self._state()
        values = {"ticket_id": str(self.ticket.id), "stage_id": str(self.stage_done.id)}
        # the owner, with a GET (the attack of the issue: one link)
        self.authenticate(REQUESTER, REQUESTER)
        query = "&".join(f"{k}={v}" for k, v in values.items())
        response = self.url_open(f"/ticket/close?{query}", allow_redirects=False)
        self.assertEqual(response.status_code, 405)
        # the owner, a POST without the CSRF token
        response = self.url_open("/ticket/close", data=values, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        # the owner, to a closed stage not offered to the portal, or not a closed one
        for stage in (self.stage_rejected, self.stage_waiting, self.stage_new):
            response = self.url_open(
                "/ticket/close",
                data=dict(values, stage_id=str(stage.id), csrf_token=self._csrf()),
            )
            self.assertIn("ne peut pas être clôturé dans cette étape", response.text)
        # bad ids
        for bad in ("abc", "²", "99999999999", "-1", ""):
            response = self.url_open(
                "/ticket/close", data=dict(values, ticket_id=bad, csrf_token=self._csrf())
            )
            self.assertEqual(response.status_code, 200)
            response = self.url_open(
                "/ticket/close", data=dict(values, stage_id=bad, csrf_token=self._csrf())
            )
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self._state(), before)
        # a colleague: she reads the ticket, she does not close it
        self.authenticate(COLLEAGUE, COLLEAGUE)
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.ticket.number, page.text)
        self.assertNotIn('action="/ticket/close"', page.text)
        self.url_open("/ticket/close", data=dict(values, csrf_token=self._csrf()))
        self.assertEqual(self._state(), before)
        # a requester of another organisation, and a bad access token
        self.authenticate(OTHER, OTHER)
        response = self.url_open(
            "/ticket/close", data=dict(values, csrf_token=self._csrf()), allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn(f"/my/ticket/{self.ticket.id}", response.headers["Location"])
        self.url_open(
            "/ticket/close",
            data=dict(values, csrf_token=self._csrf(), access_token="not-the-token"),
        )
        self.assertEqual(self._state(), before)

    def test_closed_ticket_not_closed_again(self):
        self._close_ticket()
        before = self._state()
        self.authenticate(REQUESTER, REQUESTER)
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertNotIn('action="/ticket/close"', page.text)
        self.url_open(
            "/ticket/close",
            data={
                "ticket_id": str(self.ticket.id),
                "stage_id": str(self.stage_cancelled.id),
                "csrf_token": self._csrf(),
            },
        )
        self.assertEqual(self._state(), before)

    # ------------------------------------------------------------------
    # Rating and remark
    # ------------------------------------------------------------------

    def test_agent_cannot_rate_for_the_requester(self):
        self._close_ticket()
        before = self._state()
        self.authenticate(AGENT, AGENT)
        result = self._call_kw(
            "helpdesk.ticket", "action_sla_submit_remark", [self.ticket.ids, "4", "Parfait"]
        )
        self._assert_rpc_error(result, "odoo.exceptions.AccessError")
        for context in ({}, {"sla_internal": True}):
            result = self._call_kw(
                "helpdesk.ticket",
                "write",
                [self.ticket.ids, {"sla_rating": "4", "sla_remark": "Parfait"}],
                {"context": context},
            )
            self._assert_rpc_error(result, "odoo.exceptions.AccessError")
        self.assertEqual(self._state(), before)

    def test_requester_rates_once(self):
        self._close_ticket()
        self.authenticate(REQUESTER, REQUESTER)
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        (method, values), *_rest = self._form(page.text, f"/my/ticket/{self.ticket.id}/remark")
        self.assertEqual(method, "POST")
        response = self.url_open(
            f"/my/ticket/{self.ticket.id}/remark", data=dict(values, rating="4", remark="Merci")
        )
        self.assertEqual(response.status_code, 200)
        after = self._state()
        self.assertEqual((after["sla_rating"], after["sla_remark"]), ("4", "Merci"))
        # a second time: by the page, by JSON-RPC (with the server's own key)
        response = self.url_open(
            f"/my/ticket/{self.ticket.id}/remark",
            data={"csrf_token": self._csrf(), "rating": "1", "remark": "Finalement non"},
        )
        self.assertIn("déjà été évalué", response.text)
        result = self._call_kw(
            "helpdesk.ticket",
            "action_sla_submit_remark",
            [self.ticket.ids, "1", "Non"],
            {"context": {"sla_internal": True}},
        )
        self._assert_rpc_error(result, "odoo.exceptions.UserError")
        self.assertEqual(self._state(), after)

    def test_only_the_requester_rates(self):
        self._close_ticket()
        before = self._state()
        for login in (COLLEAGUE, OTHER):
            self.authenticate(login, login)
            page = self.url_open(f"/my/ticket/{self.ticket.id}")
            self.assertNotIn('name="rating"', page.text)
            self.url_open(
                f"/my/ticket/{self.ticket.id}/remark",
                data={"csrf_token": self._csrf(), "rating": "1", "remark": "Pas moi"},
            )
            result = self._call_kw(
                "helpdesk.ticket", "action_sla_submit_remark", [self.ticket.ids, "1", "Pas moi"]
            )
            self._assert_rpc_error(result, "odoo.exceptions.AccessError")
        self.assertEqual(self._state(), before)

    def test_rating_by_the_mailed_link(self):
        """The closing mail's link (access token) identifies the requester."""
        self._close_ticket()
        url = self.ticket.sudo().get_portal_url()
        self.authenticate(None, None)
        page = self.url_open(url)
        (_method, values), *_rest = self._form(page.text, f"/my/ticket/{self.ticket.id}/remark")
        self.assertTrue(values["access_token"])
        self.url_open(
            f"/my/ticket/{self.ticket.id}/remark", data=dict(values, rating="3", remark="Bien")
        )
        self.assertEqual(self._state()["sla_rating"], "3")

    # ------------------------------------------------------------------
    # Context keys the server used to trust
    # ------------------------------------------------------------------

    def test_server_keys_sent_by_a_client_change_nothing(self):
        before = self._state()
        self.authenticate(AGENT, AGENT)
        for key in ("sla_internal", "sla_requalify", "sla_skip_referent_check"):
            with self.subTest(key=key):
                context = {key: True}
                # a priority lowered without requalification
                result = self._call_kw(
                    "helpdesk.ticket",
                    "write",
                    [self.ticket.ids, {"priority": "0", "impact": "low", "is_blocking": False}],
                    {"context": context},
                )
                self._assert_rpc_error(result, "odoo.exceptions.UserError")
                result = self._call_kw(
                    "helpdesk.ticket",
                    "write",
                    [self.ticket.ids, {"priority": "1"}],
                    {"context": context},
                )
                self._assert_rpc_error(result, "odoo.exceptions.UserError")
                # due dates, status, escalation written straight
                result = self._call_kw(
                    "helpdesk.ticket",
                    "write",
                    [
                        self.ticket.ids,
                        {
                            "date_sla_deadline": "2030-01-01 00:00:00",
                            "sla_status": "on_time",
                            "escalation_level": 3,
                        },
                    ],
                    {"context": context},
                )
                self._assert_rpc_error(result, "odoo.exceptions.AccessError")
                self.assertEqual(self._state(), before)

    def test_requalification_still_works(self):
        before = self._state()
        self.authenticate(AGENT, AGENT)
        result = self._call_kw(
            "helpdesk.ticket.requalify",
            "create",
            [{"ticket_id": self.ticket.id, "impact": "low", "is_blocking": False, "reason": "Ok"}],
        )
        result = self._call_kw("helpdesk.ticket.requalify", "action_confirm", [[result["result"]]])
        self.assertNotIn("error", result, result)
        after = self._state()
        self.assertLess(after["priority"], before["priority"])
        self.assertIn("Ok", self.ticket.sudo().message_ids[:2].mapped("body")[-1])

    def test_stage_hooks_run_whatever_the_context(self):
        """A closing written with ``sla_internal`` still closes the SLA."""
        self.authenticate(AGENT, AGENT)
        result = self._call_kw(
            "helpdesk.ticket",
            "write",
            [self.ticket.ids, {"stage_id": self.stage_done.id}],
            {"context": {"sla_internal": True}},
        )
        self.assertNotIn("error", result, result)
        state = self._state()
        self.assertEqual(state["sla_status"], "met")
        self.assertEqual(state["sla_mail_pending"], "closing")

    def test_referent_check_not_skipped_by_the_client(self):
        referent = self.env["res.partner"].create(
            {"name": "Rose Référente", "parent_id": self.organisation.id}
        )
        self.webrsa.write(
            {"partner_ids": [(4, self.organisation.id)], "referent_ids": [(4, referent.id)]}
        )
        count = self.env["helpdesk.ticket"].sudo().search_count([])
        self.authenticate(AGENT, AGENT)
        vals = self._ticket_vals(self.webrsa, "2026-11-20 09:00:00")
        result = self._call_kw(
            "helpdesk.ticket",
            "create",
            [vals],
            {"context": {"sla_skip_referent_check": True, "sla_internal": True}},
        )
        self._assert_rpc_error(result, "odoo.exceptions.UserError")
        self.assertIn("Rose Référente", result["error"]["data"]["message"])
        self.assertEqual(self.env["helpdesk.ticket"].sudo().search_count([]), count)

    def test_create_cannot_set_server_fields(self):
        self.authenticate(AGENT, AGENT)
        vals = self._ticket_vals(self.paris, "2026-11-20 09:00:00", sla_rating="4")
        count = self.env["helpdesk.ticket"].sudo().search_count([])
        result = self._call_kw("helpdesk.ticket", "create", [vals])
        self._assert_rpc_error(result, "odoo.exceptions.AccessError")
        self.assertEqual(self.env["helpdesk.ticket"].sudo().search_count([]), count)
        # nor by defaults in the context
        vals = self._ticket_vals(self.paris, "2026-11-20 09:00:00")
        result = self._call_kw(
            "helpdesk.ticket",
            "create",
            [vals],
            {
                "context": {
                    "default_sla_rating": "4",
                    "default_escalation_level": 3,
                    "default_date_remark": "2026-11-20 10:00:00",
                }
            },
        )
        ticket = self.env["helpdesk.ticket"].sudo().browse(result["result"])
        self.assertFalse(ticket.sla_rating)
        self.assertFalse(ticket.date_remark)
        self.assertEqual(ticket.escalation_level, 1)


@tagged("post_install", "-at_install")
class TestSlaTrustNewTicket(SlaCaseMixin, HttpCase):
    """The form offers, and the server accepts, the teams, categories and
    products of the requester's collectivité only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.requester.lang = "fr_FR"
        company = cls.env.company
        company.write(
            {
                "helpdesk_mgmt_portal_select_team": True,
                "helpdesk_mgmt_portal_select_category": True,
            }
        )
        cls.team = cls.resotic.team_id
        cls.team.show_in_portal = True
        cls.category = cls.env["helpdesk.ticket.category"].create(
            {"name": "Messagerie", "show_in_portal": True, "company_id": company.id}
        )
        cls.product = cls.env["helpdesk.ticket.product"].create(
            {"name": "Messagerie hébergée", "company_id": company.id}
        )
        other = cls.env["res.company"].create({"name": "Commune voisine"})
        cls.other_team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Support de la commune voisine",
                "company_id": other.id,
                "show_in_portal": True,
            }
        )
        cls.other_category = cls.env["helpdesk.ticket.category"].create(
            {"name": "Catégorie voisine", "show_in_portal": True, "company_id": other.id}
        )
        cls.other_product = cls.env["helpdesk.ticket.product"].create(
            {"name": "Produit voisin", "company_id": other.id}
        )

    def _count(self):
        return self.env["helpdesk.ticket"].sudo().search_count([])

    def _submit(self, **values):
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "subject": "Serveur de fichiers arrêté",
            "description": "Plus rien ne fonctionne.",
            "team": str(self.team.id),
            "category": str(self.category.id),
            "product": str(self.product.id),
            "impact": "low",
        }
        data.update(values)
        return self.url_open("/submitted/ticket", data=data)

    def test_form_offers_own_collectivite_only(self):
        self.authenticate(REQUESTER, REQUESTER)
        page = self.url_open("/new/ticket")
        self.assertEqual(page.status_code, 200)
        for record in (self.team, self.category, self.product):
            self.assertIn(record.display_name, page.text)
        for record in (self.other_team, self.other_category, self.other_product):
            self.assertNotIn(record.name, page.text)

    def test_other_collectivite_refused(self):
        self.authenticate(REQUESTER, REQUESTER)
        count = self._count()
        cases = {
            "team": (self.other_team.id, "Veuillez choisir une équipe dans la liste"),
            "category": (self.other_category.id, "Veuillez choisir une catégorie dans la liste"),
            "product": (self.other_product.id, "Veuillez choisir un produit dans la liste"),
        }
        for name, (record_id, message) in cases.items():
            for value in (str(record_id), "abc", "²", "99999999999"):
                with self.subTest(name=name, value=value):
                    response = self._submit(**{name: value})
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(message, response.text)
                    self.assertIn("Serveur de fichiers arrêté", response.text)
        self.assertEqual(self._count(), count)

    def test_own_collectivite_accepted(self):
        self.authenticate(REQUESTER, REQUESTER)
        response = self._submit()
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Serveur de fichiers arrêté")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(
            (ticket.team_id, ticket.category_id, ticket.product_id, ticket.company_id),
            (self.team, self.category, self.product, self.env.company),
        )
        self.assertEqual(ticket.partner_id, self.requester.partner_id)
        self.assertEqual(ticket.sla_contract_id, self.resotic)
