"""Accessibility of rendered pages: axe-core run in Odoo's Chromium, for HttpCase tests.

``AccessibilityMixin.assertAccessible(*urls, login=..., password=...)`` opens each URL in one
headless Chromium (Odoo's ``ChromeBrowser``, the one tours use), injects axe-core's
``axe.min.js`` and fails when a violation of impact "serious" or "critical" is found, naming
each rule, its help page and the nodes that break it. axe-core comes from the npm registry,
pinned in ``tools/accessibility/package-lock.json`` and installed by ``make deps``
(``npm ci``); ``COLLECTIVITE_AXE_JS`` may point at another ``axe.min.js``. See
collectivite_base/readme/USAGE.md.
"""

import json
import os
from pathlib import Path

import werkzeug.urls

from odoo.tests.common import ChromeBrowser

AXE_ENV = "COLLECTIVITE_AXE_JS"
AXE_JS = (
    Path(__file__).resolve().parents[3]
    / "tools"
    / "accessibility"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
BLOCKING_IMPACTS = ("serious", "critical")
# Wait for the page's own scripts (the web client sets odoo.isReady; portal pages have none).
READY = "document.readyState === 'complete' && !(window.odoo && odoo.isReady === false)"
RUN_AXE = """
(async () => {
    const results = await axe.run(%(context)s, %(options)s);
    return {
        url: window.location.pathname + window.location.search,
        violations: results.violations.map((violation) => ({
            id: violation.id,
            impact: violation.impact,
            help: violation.help,
            helpUrl: violation.helpUrl,
            nodes: violation.nodes.map((node) => ({
                impact: node.impact,
                target: node.target.map(String),
                html: node.html,
                summary: node.failureSummary,
            })),
        })),
    };
})()
"""


def axe_source():
    """The text of ``axe.min.js``, or ``None`` when it is not installed."""
    path = Path(os.environ.get(AXE_ENV) or AXE_JS)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def format_violations(url, violations):
    """A readable report: one block per rule, one line per node."""
    lines = [f"{url}: {len(violations)} accessibility violation(s) (axe-core)"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:200]}")
            lines.append(f"      {summary[:400]}")
    return "\n".join(lines)


class AccessibilityMixin:
    """For ``HttpCase``: ``assertAccessible(*urls, login=None, password=None)``."""

    axe_impacts = BLOCKING_IMPACTS

    def axe_results(self, urls, login=None, password=None, context=None, options=None):
        """Run axe-core on each URL as ``login``: ``{url: result}`` where a result holds
        ``url`` (the page's path after redirects) and ``violations`` (axe's, all impacts).

        ``context`` is axe's context (default: the whole document), ``options`` axe's run
        options (default: every rule axe-core enables)."""
        source = axe_source()
        if source is None:
            self.fail(
                f"axe-core is not installed ({AXE_JS} missing): run `make deps` "
                "(npm ci in tools/accessibility) or set COLLECTIVITE_AXE_JS."
            )
        run = RUN_AXE % {
            "context": json.dumps(context) if context else "document",
            "options": json.dumps(options or {"resultTypes": ["violations"]}),
        }
        browser = ChromeBrowser(self)
        results = {}
        try:
            self.authenticate(login, password, browser=browser)
            self.cr.flush()
            self.cr.clear()
            for url in urls:
                browser.navigate_to(werkzeug.urls.url_join(self.base_url(), url), wait_stop=True)
                self.assertTrue(browser._wait_ready(READY), f"{url}: the page never got ready")
                self._evaluate(browser, source, 30)
                results[url] = self._evaluate(browser, run, 60)
        finally:
            browser.stop()
            self._wait_remaining_requests()
        return results

    def _evaluate(self, browser, expression, timeout):
        reply = browser._websocket_request(
            "Runtime.evaluate",
            params={"expression": expression, "awaitPromise": True, "returnByValue": True},
            timeout=timeout,
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            self.fail(f"axe-core could not run: {details.get('exception', details)}")
        return reply["result"].get("value")

    def assertAccessible(self, *urls, login=None, password=None, context=None, options=None):
        """Fail when a page has an axe-core violation of impact serious or critical, or
        when a page of the server redirects elsewhere (e.g. to the login page: the page
        was not checked). A URL may be absolute (``data:text/html,...``)."""
        results = self.axe_results(
            urls, login=login, password=password, context=context, options=options
        )
        reports = []
        for url, result in results.items():
            parsed = werkzeug.urls.url_parse(url)
            if not parsed.scheme and werkzeug.urls.url_parse(result["url"]).path != parsed.path:
                reports.append(f"{url}: redirected to {result['url']}, not checked")
                continue
            blocking = [v for v in result["violations"] if v["impact"] in self.axe_impacts]
            if blocking:
                reports.append(format_violations(url, blocking))
        if reports:
            self.fail("\n".join(reports))
