import io
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.courrier_templates.models import letter_pdf_split
from odoo.addons.courrier_templates.models.letter_pdf_split import NotSplittable

from .common import CourrierCommon, pdf_pages, pdf_text

SPLIT = "odoo.addons.courrier_templates.models.letter_pdf_split"


def link_uris(raw):
    """The URIs of the link annotations of a PDF."""
    uris = []
    for page in PdfFileReader(io.BytesIO(raw)).pages:
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


class TestSegments(TransactionCase):
    def test_references_outside_strings_and_streams(self):
        body = (
            b"\n<< /A 1 0 R /T (x 2 0 R (3 0 R) \\) 6 0 R) /H <0A0B> /K [4 0 R 10 0 R]"
            b" /Length 9 >>\nstream\n5 0 R\nendstream\nendobj\n"
        )
        parts, refs = letter_pdf_split._segments(body)
        self.assertEqual(refs, [1, 4, 10])
        self.assertEqual(len(parts), 4)
        self.assertIn(b"(x 2 0 R (3 0 R) \\) 6 0 R)", parts[1])
        self.assertTrue(parts[-1].endswith(b"stream\n5 0 R\nendstream\nendobj\n"))

    def test_other_generations_are_not_copied(self):
        with self.assertRaises(NotSplittable):
            letter_pdf_split._segments(b"<< /A 1 2 R >>")


@tagged("post_install", "-at_install")
class TestLetterPdfSplit(CourrierCommon):
    """The batch's PDF split per letter by copying its objects, or by PyPDF2's
    writer when the copy does not understand the file: the same letters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requests = cls.request | cls._request() | cls._request()
        cls.template_link = cls.env["collectivite.letter.template"].create(
            {
                "name": "Avec lien (test)",
                "title": "Lien {{ object.name }}",
                "body_html": '<p>Demande <t t-out="object.name"/>, voir '
                '<a href="https://www.example.org/demarches">nos démarches</a>.</p>',
            }
        )

    def _send(self, template=None):
        return (
            self.env["collectivite.letter"]
            .with_user(self.user_write)
            ._send(
                self.requests.with_user(self.user_write),
                "mail",
                template=(template or self.template_link).with_user(self.user_write),
            )
        )

    def _assert_letters(self, letters):
        self.assertEqual(letters.request_id, self.requests)
        for letter in letters:
            raw = letter.attachment_id.raw
            self.assertEqual(pdf_pages(raw), 1)
            text = pdf_text(raw)
            self.assertIn(f"Demande {letter.request_id.name}, voir nos démarches.", text)
            for other in self.requests - letter.request_id:
                self.assertNotIn(f"Demande {other.name},", text)
            # the body's link is kept, the marker link is not
            self.assertEqual(link_uris(raw), ["https://www.example.org/demarches"])

    def test_copied_objects(self):
        with patch(f"{SPLIT}._writer_split", side_effect=AssertionError("not copied")):
            letters = self._send()
        self._assert_letters(letters)

    def test_writer_when_the_copy_does_not_understand(self):
        with patch(f"{SPLIT}._copy_split", side_effect=NotSplittable("test")):
            letters = self._send()
        self._assert_letters(letters)

    def test_letters_of_several_pages_copied(self):
        long_template = self.env["collectivite.letter.template"].create(
            {
                "name": "Long (test)",
                "title": "Long {{ object.name }}",
                "body_html": "<div>%s</div>"
                % "".join(f'<p>Ligne {i} de <t t-out="object.name"/>.</p>' for i in range(90)),
            }
        )
        with patch(f"{SPLIT}._writer_split", side_effect=AssertionError("not copied")):
            letters = self._send(long_template)
        for letter in letters:
            raw = letter.attachment_id.raw
            self.assertGreater(pdf_pages(raw), 1)
            text = pdf_text(raw)
            self.assertIn(f"Ligne 0 de {letter.request_id.name}.", text)
            self.assertIn(f"Ligne 89 de {letter.request_id.name}.", text)
            for other in self.requests - letter.request_id:
                self.assertNotIn(f"de {other.name}.", text)
            self.assertEqual(link_uris(raw), [])
