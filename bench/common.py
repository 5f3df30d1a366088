"""Shared helpers of `make bench`: an Odoo environment on the bench database,
timings (p50 / p95 over repeated runs), an HTTP server for portal scenarios,
and the results table."""

import contextlib
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def percentile(values, pct):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


class Bench:
    """Context handed to each bench module's ``generate`` and ``run``."""

    def __init__(self, registry, database, addons_path, scale=1.0, http_port=8089):
        self.registry = registry
        self.database = database
        self.addons_path = addons_path
        self.scale = scale
        self.http_port = http_port
        self.rows = []
        self._server = None

    def size(self, full):
        """The number of records to generate at the chosen scale."""
        return max(1, int(full * self.scale))

    @contextlib.contextmanager
    def env(self, uid=None, context=None):
        import odoo

        with self.registry.cursor() as cr:
            yield odoo.api.Environment(cr, uid or odoo.SUPERUSER_ID, context or {})

    def record(self, scenario, timings_ms, target_ms=None, note=""):
        p50 = statistics.median(timings_ms)
        p95 = percentile(timings_ms, 95)
        ok = "" if target_ms is None else ("yes" if p95 <= target_ms else "NO")
        self.rows.append(
            {
                "scenario": scenario,
                "runs": len(timings_ms),
                "p50": p50,
                "p95": p95,
                "target": target_ms,
                "ok": ok,
                "note": note,
            }
        )
        print(
            f"  {scenario}: p50 {p50:.1f} ms, p95 {p95:.1f} ms"
            + (f" (target {target_ms} ms)" if target_ms else ""),
            flush=True,
        )

    def measure(self, scenario, func, repeat=20, target_ms=None, note="", warmup=1):
        """Run ``func`` ``warmup + repeat`` times and record its timings."""
        for _i in range(warmup):
            func()
        timings = []
        for _i in range(repeat):
            start = time.perf_counter()
            func()
            timings.append((time.perf_counter() - start) * 1000)
        self.record(scenario, timings, target_ms, note)
        return timings

    def server_url(self):
        """Start (once) an Odoo HTTP server on the bench database."""
        if self._server is None:
            cmd = [
                sys.executable,
                "-c",
                'import sys, odoo.cli; sys.argv[0] = "odoo"; odoo.cli.main()',
                "-c",
                os.path.join(ROOT, "odoo.conf"),
                "--addons-path",
                self.addons_path,
                "-d",
                self.database,
                "--db-filter",
                f"^{self.database}$",
                "--http-port",
                str(self.http_port),
                "--max-cron-threads",
                "0",
                "--log-level",
                "warn",
            ]
            self._server = subprocess.Popen(cmd)  # noqa: S603
            url = f"http://127.0.0.1:{self.http_port}/web/login"
            deadline = time.time() + 120
            while time.time() < deadline:
                try:
                    with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                        break
                except OSError:
                    time.sleep(0.5)
            else:
                raise RuntimeError("The bench HTTP server did not start.")
        return f"http://127.0.0.1:{self.http_port}"

    def http_login(self, login, password):
        """Log ``login`` in on the bench server; return ``get(path) -> bytes``."""
        base = self.server_url()
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(f"{base}/web/login", timeout=30) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"login": login, "password": password, "csrf_token": token}
        ).encode()
        with opener.open(f"{base}/web/login", data=data, timeout=30) as response:
            response.read()

        def get(path):
            with opener.open(f"{base}{path}", timeout=30) as response:
                return response.read()

        return get

    def close(self):
        if self._server is not None:
            self._server.terminate()
            self._server.wait(30)
            self._server = None

    def table(self):
        lines = [
            "| scenario | runs | p50 (ms) | p95 (ms) | target (ms) | met | note |",
            "|---|---:|---:|---:|---:|:-:|---|",
        ]
        for row in self.rows:
            lines.append(
                "| {scenario} | {runs} | {p50:.1f} | {p95:.1f} | {target} | {ok} | {note} |".format(
                    **dict(row, target=row["target"] if row["target"] else "")
                )
            )
        return "\n".join(lines)
