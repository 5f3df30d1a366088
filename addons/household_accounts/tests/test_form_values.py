"""The plain service ``form_values`` alone, without a database.

A plain ``unittest`` case (no Odoo environment, no registry): pytest collects it
with the other tests of the addon.
"""

import unittest

from .. import form_values


class TestFormValues(unittest.TestCase):
    def test_compose_name(self):
        self.assertEqual(form_values.compose_name(" Camille ", "Martin "), "Camille Martin")
        self.assertEqual(form_values.compose_name("", "Martin"), "Martin")
        self.assertEqual(form_values.compose_name(None, "  "), "")

    def test_zip_code(self):
        self.assertTrue(form_values.is_zip_code("95300"))
        for value in ("9530", "953000", "95 300", "", None):
            self.assertFalse(form_values.is_zip_code(value), value)

    def test_parse_id(self):
        self.assertEqual(form_values.parse_id("12"), 12)
        self.assertEqual(form_values.parse_id(7), 7)
        for value in ("", None, "abc", "-3", "1.5"):
            self.assertEqual(form_values.parse_id(value), 0, value)
