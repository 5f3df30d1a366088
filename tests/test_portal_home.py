"""The citizen's portal as Chromium shows it, read over HTTP as the demo's
citizen: every page is titled with what it is and whose it is (RGAA 8.5 and
8.6), and the home lists each of the suite's entries once, each with its own
picture."""

import re

from lxml import html

from odoo.tests import HttpCase, tagged

CITIZEN = ("camille.martin@example.org", "camille")


@tagged("post_install", "-at_install")
class TestPortalHome(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen = cls.env["res.users"].search([("login", "=", CITIZEN[0])])
        cls.company = cls.citizen.company_id.name
        cls.request = cls.env["collectivite.request"].search(
            [("requester_id", "=", cls.citizen.partner_id.id), ("state", "!=", "draft")],
            limit=1,
        )

    def _page(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return html.fromstring(response.content)

    def test_demo_data(self):
        self.assertTrue(self.citizen, "make test installs the demo data this test reads")
        self.assertTrue(self.request)

    def test_each_page_has_its_own_title(self):
        self.citizen.lang = "fr_FR"
        self.authenticate(*CITIZEN)
        links = self._page("/my/courriers").xpath("//a[starts-with(@href, '/my/courriers/')]/@href")
        letter_url = next(link for link in links if re.fullmatch(r"/my/courriers/\d+", link))
        letter = self.env["collectivite.letter"].browse(int(letter_url.rsplit("/", 1)[1]))
        pages = {
            "/my": "Mon compte",
            "/demarches": "Démarches en ligne",
            "/my/demandes": "Mes demandes",
            f"/my/demandes/{self.request.id}": self.request.name,
            "/my/brouillons": "Mes brouillons",
            "/my/paiements": "Mes paiements",
            "/my/courriers": "Mes courriers",
            letter_url: letter.title,
            "/my/household": "Mon foyer",
        }
        for url, label in pages.items():
            with self.subTest(url=url):
                title = self._page(url).findtext(".//title")
                self.assertEqual(title, f"{label} – {self.company}")

    def test_home_lists_each_entry_once_with_its_picture(self):
        self.authenticate(*CITIZEN)
        page = self._page("/my")
        cards = page.xpath("//div[contains(@class, 'o_portal_index_card')]/a")
        urls = [card.get("href") for card in cards]
        for url in (
            "/demarches",
            "/my/demandes",
            "/my/brouillons",
            "/my/paiements",
            "/my/courriers",
            "/my/household",
        ):
            with self.subTest(url=url):
                self.assertEqual(urls.count(url), 1)
        for card in cards:
            with self.subTest(card=card.get("href")):
                icons = card.xpath(".//img/@src")
                self.assertEqual(len(icons), 1, "each entry has its picture")
                self.assertEqual(self.url_open(icons[0]).status_code, 200, icons[0])
                self.assertTrue(re.search(r"\.svg$", icons[0]))
