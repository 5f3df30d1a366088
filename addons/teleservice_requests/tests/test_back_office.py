"""The back office as agents and managers find it: the "Tâches" dashboard (their
home), the request's data read as a form, the counter entry, the statistics."""

from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.collectivite_base.tests.common import JsonRpcMixin

from .common import AGENT, MANAGER, TeleserviceCommon

HOME = "teleservice_requests.collectivite_request_dashboard_action"


@tagged("post_install", "-at_install")
class TestDashboard(TeleserviceCommon):
    def _tiles(self, user):
        tiles = self.env["collectivite.request.dashboard"].with_user(user).search([])
        return {tile.code: tile for tile in tiles}

    def test_tiles_list_their_lines_coloured_by_urgency(self):
        now = fields.Datetime.now()
        late = self._request()
        urgent = self._request()
        on_time = self._request()
        self._force(late, date_qos_deadline=now - timedelta(days=1), date_qos_alert=now)
        self._force(urgent, date_qos_deadline=now + timedelta(days=1), date_qos_alert=now)
        self._force(on_time, date_submitted=now + timedelta(minutes=1))
        tiles = self._tiles(self.user_write)
        lines = {line["id"]: line for line in tiles["new"].request_lines}
        self.assertEqual(tiles["new"].request_count, 3)
        # the urgency comes from the dates, before the cron has flagged anything
        self.assertEqual(lines[late.id]["level"], "danger")
        self.assertEqual(lines[urgent.id]["level"], "warning")
        self.assertEqual(lines[on_time.id]["level"], "")
        self.assertEqual(lines[late.id]["name"], late.name)
        self.assertEqual(lines[late.id]["teleservice"], "Cantine (test)")
        self.assertEqual(lines[late.id]["person"], "Léo Testeur")
        self.assertEqual(lines[late.id]["state"], "En attente")
        # French dates, in the agent's time zone
        deadline = fields.Datetime.context_timestamp(
            late.with_user(self.user_write), late.date_qos_deadline
        )
        self.assertEqual(lines[late.id]["deadline"], deadline.strftime("%d/%m/%Y"))
        # an agent without rights on the category sees no line
        self.assertFalse(self._tiles(self.user_none)["new"].request_lines)
        self.assertEqual(self._tiles(self.user_none)["new"].request_count, 0)

    def test_a_tile_shows_a_few_lines_and_no_query_per_line(self):
        self._request()
        Tile = self.env["collectivite.request.dashboard"].with_user(self.user_write)

        def queries():
            """Queries of the tiles' lines, the registry's caches warm."""
            count = 0
            for _run in range(2):
                self.env.invalidate_all()
                tiles = Tile.search([])
                start = self.cr.sql_log_count
                tiles.read(["request_count", "request_lines"])
                count = self.cr.sql_log_count - start
            return count

        few = queries()
        for _index in range(8):
            self._request()
        self.assertEqual(queries(), few)
        tiles = self._tiles(self.user_write)
        self.assertEqual(tiles["new"].request_count, 9)
        self.assertEqual(len(tiles["new"].request_lines), 5)

    def test_readonly_methods(self):
        Tile = type(self.env["collectivite.request.dashboard"])
        self.assertTrue(getattr(Tile.action_open_requests, "_readonly", False))
        action = self._tiles(self.user_write)["late"].action_open_requests()
        self.assertEqual(action["res_model"], "collectivite.request")


@tagged("post_install", "-at_install")
class TestHome(TeleserviceCommon):
    def test_agents_land_on_their_dashboard(self):
        home = self.env.ref(HOME)
        agent = new_test_user(self.env, login="ts_home_agent", groups=AGENT)
        self.assertEqual(agent.action_id.id, home.id)
        # a user made an agent later gets it too, a chosen home is kept
        user = new_test_user(self.env, login="ts_home_user", groups="base.group_user")
        self.assertFalse(user.action_id)
        user.groups_id = [Command.link(self.env.ref(MANAGER).id)]
        self.assertEqual(user.action_id.id, home.id)
        chosen = self.env.ref("teleservice_requests.collectivite_request_action")
        own = new_test_user(self.env, login="ts_home_own", groups="base.group_user")
        own.action_id = chosen.id
        own.groups_id = [Command.link(self.env.ref(AGENT).id)]
        self.assertEqual(own.action_id.id, chosen.id)
        # the demo agents too, at installation
        demo_agent = self.env.ref("collectivite_base.user_agent", raise_if_not_found=False)
        if demo_agent:
            self.assertEqual(demo_agent.action_id.id, home.id)

    def test_apps_menu_for_administrators_only(self):
        apps = self.env.ref("base.menu_management")
        Menu = self.env["ir.ui.menu"]
        for user in (self.user_write, self.manager):
            with self.subTest(user=user.login):
                roots = Menu.with_user(user).load_menus(False)["root"]["children"]
                self.assertNotIn(apps.id, roots)
                self.assertNotIn(apps, Menu.with_user(user).search([("id", "child_of", apps.id)]))
                self.assertIn(
                    self.env.ref("teleservice_requests.collectivite_teleservice_menu_root").id,
                    roots,
                )
        admin = self.env.ref("base.user_admin")
        self.assertIn(apps.id, Menu.with_user(admin).load_menus(False)["root"]["children"])


@tagged("post_install", "-at_install")
class TestDataAsForm(TeleserviceCommon):
    def test_counter_entry_has_a_title_and_its_lines(self):
        self.teleservice.field_ids.filtered(lambda f: f.key in ("child", "days")).section = "Enfant"
        self.teleservice.field_ids.filtered(
            lambda f: f.key not in ("child", "days")
        ).section = "Restauration"
        Request = self.env["collectivite.request"].with_user(self.user_write)
        form = Form(
            Request.with_context(default_channel="counter"),
            view="teleservice_requests.collectivite_request_view_form",
        )
        self.assertEqual(form.form_title, "Nouvelle demande")
        form.teleservice_id = self.teleservice
        self.assertEqual(form.form_title, "Nouvelle demande – Cantine (test)")
        form.household_id = self.household
        form.subject_id = self.child
        # the lines are there before the request is saved, sections marked
        self.assertEqual(len(form.value_ids), len(self.teleservice.field_ids))
        starts = []
        for index in range(len(form.value_ids)):
            with form.value_ids.edit(index) as line:
                starts.append((line.name, line.section_start))
                if line.name == "Enfant":
                    line.value_char = "Léo"
                if line.name == "Début":
                    line.value_date = fields.Date.to_date("2026-09-01")
        self.assertEqual(
            starts,
            [
                ("Enfant", True),
                ("Jours", False),
                ("Début", True),
                ("Régime", False),
                ("Régimes", False),
                ("PAI", False),
            ],
        )
        request = form.save()
        self.assertNotEqual(request.name, "/")
        self.assertEqual(request.form_title, request.name)
        self.assertEqual(request.channel, "counter")
        values = {line.field_id.key: line for line in request.value_ids}
        self.assertEqual(len(request.value_ids), len(self.teleservice.field_ids))
        self.assertEqual(values["child"].value_char, "Léo")
        # values read by type, in French
        self.assertEqual(values["start"].display_value, "01/09/2026")
        self.assertEqual(values["pai"].display_value, "Non")


@tagged("post_install", "-at_install")
class TestStatistics(TeleserviceCommon):
    def _handled(self, submitted, closed, teleservice=None):
        request = self._request(teleservice, household_id=False) if teleservice else self._request()
        request.write({"date_submitted": submitted, "date_closed": closed})
        self._force(request, state="closed")
        return request

    def test_working_days_and_share_within_the_quality_of_service(self):
        # Pontoise's calendar: 7.5 working hours a day, Monday to Friday.
        monday = self.monday()  # 2026-03-02 09:00 UTC, 10:00 in Paris
        handled = [
            # 2 working days, within the 10 days of the téléservice
            self._handled(monday, monday + timedelta(days=2)),
            # a week end in between: Monday to next Monday = 5 working days
            self._handled(monday, monday + timedelta(days=7)),
            # three weeks: 15 working days, past the deadline
            self._handled(monday, monday + timedelta(days=21)),
        ]
        self.assertEqual([r.instruction_days for r in handled], [2.0, 5.0, 15.0])
        self.assertEqual([r.is_within_qos for r in handled], [True, True, False])
        # an open request does not count
        self._request()
        Statistic = self.env["collectivite.request.statistic"]
        domain = [("teleservice_id", "=", self.teleservice.id)]
        groups = Statistic.with_user(self.manager)._read_group(
            domain,
            ["teleservice_id", "date_closed:month"],
            ["request_count:sum", "instruction_days:avg", "within_qos_rate:avg"],
        )
        figures = {month: rest for _teleservice, month, *rest in groups}
        self.assertEqual(set(figures), {datetime(2026, 3, 1)})
        count, mean, rate = figures[datetime(2026, 3, 1)]
        self.assertEqual(count, 3)
        self.assertAlmostEqual(mean, 22 / 3)
        self.assertAlmostEqual(rate, 200 / 3)

    def test_batched_per_calendar(self):
        Calendar = type(self.env["resource.calendar"])
        original = Calendar.working_time_between
        calls = []

        def spy(calendar, starts, ends):
            calls.append(len(starts))
            return original(calendar, starts, ends)

        requests = self.env["collectivite.request"]
        for _index in range(4):
            requests |= self._request()
        monday = self.monday()
        with patch.object(Calendar, "working_time_between", spy):
            requests.write({"date_submitted": monday, "date_closed": monday + timedelta(days=1)})
            requests.flush_recordset()
        self.assertEqual(calls, [4])
        self.assertEqual(set(requests.mapped("instruction_days")), {1.0})

    def test_rules_and_read_only(self):
        monday = self.monday()
        mine = self._handled(monday, monday + timedelta(days=1))
        other = self._handled(monday, monday + timedelta(days=1), self.teleservice_other)
        Statistic = self.env["collectivite.request.statistic"]
        seen = Statistic.with_user(self.manager).search([]).request_id
        self.assertEqual(seen & (mine | other), mine | other)
        # a manager sees the categories they manage only
        self.env["collectivite.category.right"].create(
            {"category_id": self.category_other.id, "user_id": self.manager.id, "right": "read"}
        )
        seen = Statistic.with_user(self.manager).search([]).request_id
        self.assertEqual(seen & (mine | other), mine)
        # agents do not read them; nobody writes them
        with self.assertRaises(AccessError):
            Statistic.with_user(self.user_manage).search([])
        self.assertFalse(Statistic.with_user(self.manager).has_access("write"))


@tagged("post_install", "-at_install")
class TestBackOfficeHttp(HttpCase, JsonRpcMixin, TeleserviceCommon):
    def test_dashboard_over_json_rpc(self):
        request = self._request()
        self.authenticate("ts_write", "ts_write")
        answer = self.call_kw(
            "collectivite.request.dashboard",
            "web_search_read",
            [[]],
            {"specification": {"code": {}, "request_count": {}, "request_lines": {}}},
        )
        records = {row["code"]: row for row in answer["result"]["records"]}
        self.assertIn(request.id, [line["id"] for line in records["new"]["request_lines"]])
        self.authenticate("ts_none", "ts_none")
        answer = self.call_kw(
            "collectivite.request.dashboard",
            "web_search_read",
            [[]],
            {"specification": {"code": {}, "request_lines": {}}},
        )
        records = {row["code"]: row for row in answer["result"]["records"]}
        self.assertFalse(records["new"]["request_lines"])

    def test_statistics_refused_to_agents(self):
        self.authenticate("ts_write", "ts_write")
        answer = self.call_kw(
            "collectivite.request.statistic", "search_read", [[]], {"fields": ["request_id"]}
        )
        self.assertEqual(self.rpc_error(answer)[0], "odoo.exceptions.AccessError")
        answer = self.call_kw(
            "collectivite.request.statistic", "write", [[1], {"instruction_days": 0}]
        )
        self.assertIn("error", answer)
