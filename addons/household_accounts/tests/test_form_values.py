"""The plain service ``form_values`` alone, without a database.

A plain ``unittest`` case (no Odoo environment, no registry): pytest collects it
with the other tests of the addon.
"""

import datetime
import unittest

from .. import form_values


class TestFormValues(unittest.TestCase):
    def test_compose_name(self):
        self.assertEqual(form_values.compose_name(" Camille ", "Martin "), "Camille Martin")
        self.assertEqual(form_values.compose_name("", "Martin"), "Martin")
        self.assertEqual(form_values.compose_name(None, "  "), "")

    def test_zip_code(self):
        self.assertTrue(form_values.is_zip_code("95300"))
        for value in ("9530", "953000", "95 300", "", None, "٩٥٣٠٠", "95300\n"):
            self.assertFalse(form_values.is_zip_code(value), value)

    def test_parse_id(self):
        self.assertEqual(form_values.parse_id("12"), 12)
        self.assertEqual(form_values.parse_id(7), 7)
        for value in ("", None, "abc", "-3", "1.5", "²", "٣", "99999999999", 2**31, True):
            self.assertEqual(form_values.parse_id(value), 0, value)

    def test_parse_date(self):
        self.assertEqual(form_values.parse_date("1992-03-14"), datetime.date(1992, 3, 14))
        self.assertEqual(form_values.parse_date("0999-12-31"), datetime.date(999, 12, 31))
        for value in ("999-01-01", "2020-02-30", "20000-01-01", "14/03/1992", "", None, 3):
            with self.assertRaises(ValueError, msg=value):
                form_values.parse_date(value)

    def test_text_problem(self):
        self.assertIsNone(form_values.text_problem("Camille\tMartin\n"))
        self.assertIsNone(form_values.text_problem(False))
        self.assertEqual(form_values.text_problem("a\x00b"), "control")
        self.assertEqual(form_values.text_problem("a\x0bb"), "control")
        self.assertEqual(form_values.text_problem("a" * 201), "length")
        self.assertIsNone(form_values.text_problem("a" * 200))
        self.assertEqual(form_values.text_problem(object()), "type")
        self.assertEqual(form_values.displayable("Rue\x00 X"), "Rue X")
        self.assertEqual(form_values.displayable(object()), "")
