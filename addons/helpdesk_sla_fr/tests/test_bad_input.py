"""Issue 11: the requester's form works as rendered, and bad input never
gives a 500: a French message, the input kept, nothing stored."""

from datetime import timedelta

from lxml import html as lxml_html

from odoo import fields, http
from odoo.tests import HttpCase, tagged

from odoo.addons.collectivite_base.markers import server_marks

from .common import SlaCaseMixin

REQUESTER = "test.requester1@example.org"


def form_values(page, action):
    """The fields of the form of ``page`` posting to ``action``, as a browser
    would send them untouched (inputs, text areas, selected options)."""
    forms = lxml_html.fromstring(page).xpath(f"//form[@action='{action}']")
    assert forms, f"no form to {action}"
    form = forms[0]
    values = {}
    for node in form.xpath(".//input[@name]"):
        if node.get("type") in ("checkbox", "radio") and node.get("checked") is None:
            continue
        if node.get("type") != "file":
            values[node.get("name")] = node.get("value") or ""
    for node in form.xpath(".//textarea[@name]"):
        values[node.get("name")] = node.text or ""
    for node in form.xpath(".//select[@name]"):
        options = node.xpath(".//option[@selected]") or node.xpath(".//option")
        values[node.get("name")] = options[0].get("value") or "" if options else ""
    return form.get("method", "get").upper(), values


@tagged("post_install", "-at_install")
class TestSlaBadInput(SlaCaseMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()
        cls.requester.lang = "fr_FR"
        cls.env.company.helpdesk_mgmt_portal_select_team = True
        cls.resotic.team_id.show_in_portal = True

    def _count(self):
        return self.env["helpdesk.ticket"].sudo().search_count([])

    def test_new_ticket_sent_as_rendered(self):
        self.authenticate(REQUESTER, REQUESTER)
        page = self.url_open("/new/ticket")
        self.assertEqual(page.status_code, 200)
        method, values = form_values(page.text, "/submitted/ticket")
        self.assertEqual(method, "POST")
        self.assertIn("description", values)
        values.update(
            subject="Imprimante du service état civil",
            description="Elle n'imprime plus depuis ce matin.\nMerci.",
            team=str(self.resotic.team_id.id),
        )
        response = self.url_open("/submitted/ticket", data=values)
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Imprimante du service état civil")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertIn("imprime plus", ticket.description)
        self.assertEqual(ticket.partner_id, self.requester.partner_id)

    def test_new_ticket_bad_input(self):
        self.authenticate(REQUESTER, REQUESTER)
        base = {
            "csrf_token": http.Request.csrf_token(self),
            "subject": "Sujet conservé",
            "description": "Description conservée",
            "team": str(self.resotic.team_id.id),
        }
        cases = [
            ({"category": "abc"}, "Veuillez choisir une catégorie dans la liste"),
            ({"product": "²"}, "Veuillez choisir un produit dans la liste"),
            ({"product": "1" * 30}, "Veuillez choisir un produit dans la liste"),
            ({"team": "²"}, "Veuillez choisir une équipe dans la liste"),
            ({"subject": "Sujet\x00 conservé"}, "caractères qui ne peuvent pas être enregistrés"),
            ({"description": "Desc\x00ription conservée"}, "ne peuvent pas être enregistrés"),
            ({"description": "   "}, "Veuillez décrire votre demande"),
            ({"subject": ""}, "Veuillez indiquer l’objet de votre ticket"),
        ]
        count = self._count()
        for values, message in cases:
            with self.subTest(values=values):
                response = self.url_open("/submitted/ticket", data=dict(base, **values))
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                _method, shown = form_values(response.text, "/submitted/ticket")
                for name in ("subject", "description"):
                    kept = values.get(name, base[name]).replace("\x00", "")
                    self.assertEqual(shown[name].strip(), kept.strip())
        self.assertEqual(self._count(), count)
        # the same values on the form's own page
        for values, _message in cases:
            response = self.url_open("/new/ticket", data=dict(base, **values))
            self.assertEqual(response.status_code, 200)

    def test_remark_with_nul_refused(self):
        ticket = self._ticket(self.paris, fields.Datetime.now())
        ticket.with_user(self.agent).write({"stage_id": self.stage_done.id})
        with server_marks("sla_internal"):
            ticket.write({"closed_date": fields.Datetime.now() - timedelta(days=1)})
        self.authenticate(REQUESTER, REQUESTER)
        response = self.url_open(
            f"/my/ticket/{ticket.id}/remark",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "rating": "4",
                "remark": "Mer\x00ci",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("ne peuvent pas être enregistrés", response.text)
        self.assertIn("Merci", response.text)
        ticket.invalidate_recordset()
        self.assertFalse(ticket.sla_rating)
        self.assertFalse(ticket.date_remark)

    def test_my_tickets_bad_parameters(self):
        ticket = self._ticket(self.paris, fields.Datetime.now())
        self.authenticate(REQUESTER, REQUESTER)
        cases = {
            "sortby=zzz": "Ce tri est inconnu",
            "sortby=%00": "Ce tri est inconnu",
            "groupby=zzz": "Ce regroupement est inconnu",
            "date_begin=abc&date_end=def": "ne sont pas des dates valides",
            "date_begin=2026-13-45&date_end=2026-12-01": "ne sont pas des dates valides",
            "search=Messa%00gerie": "ont été retirés",
            "page=%C2%B2": None,
            "page=abc": None,
            "filterby=zzz": None,
        }
        for query, message in cases.items():
            with self.subTest(query=query):
                if "search=" not in query:
                    query = f"search=Messagerie&{query}"
                response = self.url_open(f"/my/tickets?{query}")
                self.assertEqual(response.status_code, 200)
                if message:
                    self.assertIn(message, response.text)
                # the search is kept, and the requester's ticket still listed
                self.assertIn('value="Messagerie"', response.text)
                self.assertIn(ticket.number, response.text)
        response = self.url_open("/my/tickets?date_begin=2026-11-01&date_end=2099-12-31")
        self.assertNotIn("sla_search_errors", response.text)
        self.assertIn(ticket.number, response.text)
