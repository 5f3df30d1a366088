from unittest.mock import patch
from urllib.parse import quote

from odoo.tests import HttpCase, tagged

from . import accessibility
from .accessibility import AccessibilityMixin

BAD_PAGE = """<!DOCTYPE html>
<html><head><title>Bad page</title></head>
<body><main><img src="/web/static/img/logo.png"><button type="button"></button></main></body>
</html>"""


@tagged("post_install", "-at_install")
class TestAccessibilityMixin(AccessibilityMixin, HttpCase):
    """The accessibility helper finds and names violations, and says when axe-core is missing."""

    url = "data:text/html," + quote(BAD_PAGE)

    def test_violations_are_named(self):
        url = self.url
        with self.assertRaises(AssertionError) as caught:
            self.assertAccessible(url)
        report = str(caught.exception)
        self.assertIn(f"{url}: 3 accessibility violation(s) (axe-core)", report)
        for rule in ("- image-alt (critical)", "- button-name (critical)", "- html-has-lang"):
            self.assertIn(rule, report)
        self.assertIn('<img src="/web/static/img/logo.png">', report)
        self.assertIn("Element does not have an alt attribute", report)

    def test_context_and_options(self):
        url = self.url
        results = self.axe_results([url], options={"runOnly": ["image-alt"]})
        self.assertEqual([v["id"] for v in results[url]["violations"]], ["image-alt"])
        self.assertAccessible(
            url, context={"include": [["main"]], "exclude": [["img"], ["button"]]}
        )

    def test_redirected_page_is_not_checked(self):
        with self.assertRaises(AssertionError) as caught:
            self.assertAccessible("/my")
        self.assertIn("/my: redirected to /web/login", str(caught.exception))

    def test_missing_axe_fails_in_one_line(self):
        with (
            patch.dict("os.environ", {accessibility.AXE_ENV: "/nonexistent/axe.min.js"}),
            self.assertRaises(AssertionError) as caught,
        ):
            self.assertAccessible("/web/login")
        self.assertIn("axe-core is not installed", str(caught.exception))
        self.assertNotIn("\n", str(caught.exception))
