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


def bench_user(env, login, group, **values):
    """The bench's user ``login`` (created once, in the group of xml id ``group``)."""
    Users = env["res.users"].with_context(no_reset_password=True)
    user = Users.search([("login", "=", login)], limit=1)
    if not user:
        user = Users.create(dict(values, login=login, groups_id=[(6, 0, [env.ref(group).id])]))
    return user


def _process_cpu_ms(pid):
    """User + system CPU time of process ``pid`` in ms (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # Fields 14 and 15 of proc(5) (utime, stime); fields[0] is field 3 (state).
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


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
        """Run ``func`` ``warmup + repeat`` times and record its timings; with the
        HTTP server of ``server_url`` running, the note adds the CPU time per run
        of its process and of its PostgreSQL backends."""
        for _i in range(warmup):
            func()
        timings = []
        cpu = self.server_cpu()
        for _i in range(repeat):
            start = time.perf_counter()
            func()
            timings.append((time.perf_counter() - start) * 1000)
        self.record(scenario, timings, target_ms, self.cpu_note(note, cpu, repeat))
        return timings

    def server_cpu(self):
        """``(odoo_ms, {backend pid: ms})`` of CPU used so far by the HTTP server of
        ``server_url`` (all its threads) and by its PostgreSQL backends (those
        whose ``application_name`` is ``odoo-<its pid>``), or None without it.
        Read from ``/proc``: user + system time of each process."""
        if self._server is None or self._server.poll() is not None:
            return None
        out = subprocess.run(
            [
                "psql",
                "-d",
                self.database,
                "-tAc",
                "SELECT pid FROM pg_stat_activity WHERE application_name = "
                f"'odoo-{self._server.pid}'",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        backends = {int(pid): _process_cpu_ms(int(pid)) for pid in out.stdout.split()}
        return _process_cpu_ms(self._server.pid), backends

    def server_cpu_since(self, before):
        """``(odoo_ms, postgresql_ms)`` of CPU used since ``before`` (``server_cpu``)."""
        after = self.server_cpu()
        if before is None or after is None:
            return None
        # A backend opened since counts from zero; one closed is lost.
        postgresql = sum(ms - before[1].get(pid, 0.0) for pid, ms in after[1].items())
        return after[0] - before[0], postgresql

    def cpu_note(self, note, before, runs):
        """``note`` with the CPU time per run since ``before`` (``server_cpu``)."""
        used = self.server_cpu_since(before)
        if used is None or not runs:
            return note
        return self.cpu_text(note, used[0] / runs, used[1] / runs)

    @staticmethod
    def cpu_text(note, odoo_ms, postgresql_ms):
        cpu = f"CPU a run: {odoo_ms:.0f} ms Odoo + {postgresql_ms:.0f} ms PostgreSQL"
        return f"{note}; {cpu}" if note else cpu

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


class OdooServer:
    """An Odoo process with workers (prefork) on the bench database, started and
    stopped by the bench (by its own pid). ``db_args`` point it at another
    cluster (``--db_host``/``--db_port``, ``--db_replica_host``/``--db_replica_port``)."""

    def __init__(
        self, bench, http_port, gevent_port, workers=4, db_args=(), logfile=None, log_level="warn"
    ):
        self.bench = bench
        self.http_port = http_port
        self.gevent_port = gevent_port
        self.workers = workers
        self.db_args = list(db_args)
        self.logfile = logfile
        self.log_level = log_level
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, timeout=180):
        cmd = [
            sys.executable,
            # The master respawns its gevent worker as `python <argv[0]> gevent ...`:
            # it needs a real script, not `python -c` (see odoo_launcher.py).
            os.path.join(ROOT, "bench", "odoo_launcher.py"),
            "-c",
            os.path.join(ROOT, "odoo.conf"),
            "--addons-path",
            self.bench.addons_path,
            "-d",
            self.bench.database,
            "--db-filter",
            f"^{self.bench.database}$",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.http_port),
            "--gevent-port",
            str(self.gevent_port),
            "--workers",
            str(self.workers),
            "--max-cron-threads",
            "0",
            "--limit-time-cpu",
            "600",
            "--log-level",
            self.log_level,
            *self.db_args,
        ]
        if self.logfile:
            cmd += ["--logfile", self.logfile]
        # Odoo's workers drop a connection whose request has not arrived within 2 s
        # (ODOO_HTTP_SOCKET_TIMEOUT, meant for a buffering proxy in front): the
        # load generator shares the machine's 2 cores with Odoo, so it gets 10 s.
        env = dict(
            os.environ, ODOO_HTTP_SOCKET_TIMEOUT=os.environ.get("ODOO_HTTP_SOCKET_TIMEOUT", "10")
        )
        self.process = subprocess.Popen(cmd, env=env)  # noqa: S603
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo stopped at start (exit {self.process.returncode}).")
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=10):  # noqa: S310
                    return self
            except OSError:
                time.sleep(1)
        self.stop()
        raise RuntimeError("Odoo with workers did not start.")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
        self.process = None


class Browser:
    """A logged-in HTTP session (cookies) on ``base``: ``get``, ``post``, ``rpc``."""

    def __init__(self, base, login, password, timeout=60):
        self.base = base
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.get("/web/login").decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.post("/web/login", {"login": login, "password": password, "csrf_token": token})

    def get(self, path):
        with self.opener.open(f"{self.base}{path}", timeout=self.timeout) as response:
            return response.read()

    def post(self, path, data):
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(f"{self.base}{path}", data=body, timeout=self.timeout) as response:
            return response.read()

    def csrf(self, path):
        page = self.get(path).decode()
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def rpc(self, model, method, args=(), **kwargs):
        import json

        payload = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            }
        ).encode()
        route = "call_button" if method.startswith("action_") else "call_kw"
        request = urllib.request.Request(  # noqa: S310
            f"{self.base}/web/dataset/{route}/{model}/{method}",
            data=payload,
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=self.timeout) as response:
            body = json.loads(response.read())
        if "error" in body:
            raise RuntimeError(body["error"].get("data", {}).get("message") or body["error"])
        return body["result"]
