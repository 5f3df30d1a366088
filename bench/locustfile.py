"""Locust scenario of `make bench` (scenario ``load``): citizens and agents of the
bench database, driving Odoo over HTTP like their browsers do.

Run by bench/bench_load.py with locust's own virtualenv (bench/.venv); the
accounts, records and search terms come from the JSON file named by
``BENCH_LOAD_DATA``. Each simulated user arrives logged in (a session made by the
bench) with an account of its
own, then repeats its tasks with a think time between them.

- Citizens (weight 80): the portal home and its counters, "Mon foyer", the
  tickets list, one of their tickets.
- Agents (weight 20): the "Tâches" dashboard and a tile's list, the requests,
  tickets and households lists, a request's form, a search by number or by name.
"""

import itertools
import json
import os
import random
import re

import gevent
from locust import HttpUser, between, events, task

DATA = json.load(open(os.environ["BENCH_LOAD_DATA"]))  # noqa: SIM115
THINK = tuple(DATA.get("think", (3, 7)))
USERS = int(DATA.get("users", 100))
MEASURE_SECONDS = int(DATA.get("seconds", 180))
STATE = {"logged_in": 0, "login_failures": 0}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TICKET_LINK = re.compile(r'href="/my/ticket/(\d+)')

REQUEST_LIST = {
    fname: {}
    for fname in (
        "name",
        "date_submitted",
        "date_qos_deadline",
        "is_urgent",
        "is_late",
        "state",
    )
} | {
    "teleservice_id": {"fields": {"display_name": {}}},
    "requester_id": {"fields": {"display_name": {}}},
    "subject_id": {"fields": {"display_name": {}}},
    "last_agent_id": {"fields": {"display_name": {}}},
}
REQUEST_FORM = dict(
    REQUEST_LIST,
    channel={},
    data_state={},
    requester_name={},
    date_validated={},
    date_closed={},
    category_id={"fields": {"display_name": {}}},
    household_id={"fields": {"display_name": {}}},
    company_id={"fields": {"display_name": {}}},
)
TICKET_LIST = {
    fname: {}
    for fname in ("number", "name", "priority", "sla_status", "date_sla_deadline", "create_date")
} | {
    "partner_id": {"fields": {"display_name": {}}},
    "stage_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "team_id": {"fields": {"display_name": {}}},
}
HOUSEHOLD_LIST = {
    fname: {}
    for fname in ("name", "responsible_name", "zip", "city", "member_count", "state", "is_active")
}


def _logged_in(environment, failed):
    """Statistics start once every user has logged in (hashing a password is slow
    on purpose), then the run lasts ``seconds``."""
    STATE["logged_in"] += 1
    STATE["login_failures"] += failed
    if STATE["logged_in"] == USERS:
        environment.runner.stats.reset_all()
        print(f"{USERS} users logged in: measuring for {MEASURE_SECONDS} s", flush=True)

        def stop():
            gevent.sleep(MEASURE_SECONDS)
            environment.runner.quit()

        gevent.spawn(stop)


@events.quitting.add_listener
def _summary(environment, **_kwargs):
    if DATA.get("summary"):
        with open(DATA["summary"], "w") as file:
            json.dump(STATE, file)


class OdooUser(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    accounts = ()

    def on_start(self):
        self.account = self.accounts[next(self.counter) % len(self.accounts)]
        if self.account.get("session_id"):
            # A session made by the bench (see bench_load._sessions).
            self.client.cookies.set("session_id", self.account["session_id"])
            response = self.page(self.landing, "landing page (logged in)")
            _logged_in(self.environment, "/web/login" in (response.url or "/web/login"))
        else:
            _logged_in(self.environment, not self.login())

    def login(self):
        with self.client.get("/web/login", name="login page", catch_response=True) as response:
            token = CSRF.search(response.text)
            if not token:
                response.failure("no CSRF token on the login page")
                return False
        data = {
            "login": self.account["login"],
            "password": DATA["password"],
            "csrf_token": token.group(1),
            "redirect": self.landing,
        }
        with self.client.post("/web/login", data=data, name="login", catch_response=True) as r:
            if "/web/login" in (r.url or "/web/login") or r.status_code != 200:
                r.failure("login refused")
                return False
        return True

    def page(self, path, name, marker=None):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/web/login" in (response.url or ""):
                response.failure("logged out")
            elif marker and marker not in response.text:
                response.failure(f"{marker!r} missing")
            return response

    def rpc(self, name, model, method, args=(), **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": random.randint(1, 10**9),  # noqa: S311
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        }
        route = "call_button" if method.startswith("action_") else "call_kw"
        with self.client.post(
            f"/web/dataset/{route}/{model}/{method}", json=payload, name=name, catch_response=True
        ) as response:
            try:
                body = response.json()
            except ValueError:
                response.failure(f"HTTP {response.status_code}, not JSON")
                return None
            if "error" in body:
                response.failure(body["error"].get("data", {}).get("name") or "RPC error")
                return None
            return body.get("result")


class Citizen(OdooUser):
    weight = 80
    accounts = DATA["citizens"]
    counter = itertools.count()
    landing = "/my"

    @task(3)
    def home(self):
        self.page("/my", "citizen: /my (home)", "o_portal")
        self.client.post(
            "/my/counters",
            json={"jsonrpc": "2.0", "method": "call", "params": {"counters": ["ticket_count"]}},
            name="citizen: /my/counters",
        )

    @task(3)
    def household(self):
        self.page("/my/household", "citizen: /my/household (Mon foyer)", "o_household_members")

    @task(2)
    def tickets(self):
        response = self.page("/my/tickets", "citizen: /my/tickets (list)")
        ids = TICKET_LINK.findall(response.text or "")
        if ids:
            self.account["seen"] = ids

    @task(2)
    def ticket(self):
        ticket_id = random.choice(self.account.get("seen") or self.account["ticket_ids"])  # noqa: S311
        self.page(f"/my/ticket/{ticket_id}", "citizen: /my/ticket/<id> (a ticket)")


class Agent(OdooUser):
    weight = 20
    accounts = DATA["agents"]
    counter = itertools.count()
    landing = "/odoo"

    @task(3)
    def dashboard(self):
        tiles = self.rpc(
            "agent: dashboard (tiles and counts)",
            "collectivite.request.dashboard",
            "web_search_read",
            domain=[],
            specification={"name": {}, "code": {}, "color": {}, "request_count": {}},
        )
        if not tiles:
            return
        tile = random.choice(tiles["records"])  # noqa: S311
        action = self.rpc(
            "agent: dashboard tile (action)",
            "collectivite.request.dashboard",
            "action_open_requests",
            [[tile["id"]]],
        )
        if action:
            self.rpc(
                "agent: dashboard tile (list of 80)",
                "collectivite.request",
                "web_search_read",
                domain=action["domain"],
                specification=REQUEST_LIST,
                limit=80,
                count_limit=10001,
            )

    @task(2)
    def lists(self):
        self.rpc(
            "agent: requests list",
            "collectivite.request",
            "web_search_read",
            domain=[],
            specification=REQUEST_LIST,
            limit=80,
            count_limit=10001,
        )
        self.rpc(
            "agent: tickets list",
            "helpdesk.ticket",
            "web_search_read",
            domain=[],
            specification=TICKET_LIST,
            limit=80,
            count_limit=10001,
        )
        self.rpc(
            "agent: households list",
            "collectivite.household",
            "web_search_read",
            domain=[],
            specification=HOUSEHOLD_LIST,
            limit=80,
            count_limit=10001,
        )

    @task(2)
    def request_form(self):
        request_id = random.choice(DATA["request_ids"])  # noqa: S311
        self.rpc(
            "agent: a request's form",
            "collectivite.request",
            "web_read",
            [[request_id]],
            specification=REQUEST_FORM,
        )

    @task(2)
    def search(self):
        if random.random() < 0.5:  # noqa: S311
            domain = [("name", "ilike", random.choice(DATA["request_numbers"]))]  # noqa: S311
            name = "agent: search a request by number"
        else:
            domain = [("requester_name", "ilike", random.choice(DATA["requester_names"]))]  # noqa: S311
            name = "agent: search requests by name"
        self.rpc(
            name,
            "collectivite.request",
            "web_search_read",
            domain=domain,
            specification=REQUEST_LIST,
            limit=80,
            count_limit=10001,
        )
