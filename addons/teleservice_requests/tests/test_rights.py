from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TeleserviceCommon


@tagged("post_install", "-at_install")
class TestCategoryRights(TeleserviceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request = cls._request()
        cls.request_other = cls._request(
            cls.teleservice_other, household_id=False, requester_id=cls.manager.partner_id.id
        )

    def _requests_seen(self, user):
        return (
            self.env["collectivite.request"]
            .with_user(user)
            .search([("id", "in", (self.request | self.request_other).ids)])
        )

    def test_no_access(self):
        self.assertFalse(self._requests_seen(self.user_none))
        with self.assertRaises(AccessError):
            self.request.with_user(self.user_none).read(["name"])
        with self.assertRaises(AccessError):
            self.request.with_user(self.user_none).action_start()
        self.assertEqual(self.request.state, "pending")

    def test_consultation(self):
        self.assertEqual(self._requests_seen(self.user_read), self.request)
        as_reader = self.request.with_user(self.user_read)
        self.assertEqual(as_reader.name, self.request.name)
        self.assertFalse(as_reader.can_edit)
        with self.assertRaises(AccessError):
            as_reader.action_start()
        with self.assertRaises(AccessError):
            as_reader.write({"comment": "changed"})
        with self.assertRaises(AccessError):
            self.env["collectivite.request"].with_user(self.user_read).create(
                {"teleservice_id": self.teleservice.id}
            )
        self.assertEqual(self.request.state, "pending")
        self.assertFalse(self.request.comment)
        # consultation is not management: no statistics, no configuration
        self.assertFalse(
            self.env["collectivite.request"]
            .with_user(self.user_read)
            .search([("is_manageable", "=", True)])
        )
        with self.assertRaises(AccessError):
            self.teleservice.with_user(self.user_read).write({"qos_delay_days": 3})

    def test_modification(self):
        self.assertEqual(self._requests_seen(self.user_write), self.request)
        as_writer = self.request.with_user(self.user_write)
        self.assertTrue(as_writer.can_edit)
        as_writer.action_start()
        self.assertEqual(self.request.state, "in_progress")
        self.assertEqual(self.request.last_agent_id, self.user_write)
        with self.assertRaises(AccessError):
            self.teleservice.with_user(self.user_write).write({"qos_delay_days": 3})
        self.assertEqual(self.teleservice.qos_delay_days, 10)
        with self.assertRaises(AccessError):
            self.request_other.with_user(self.user_write).read(["name"])

    def test_management(self):
        self.assertEqual(self._requests_seen(self.user_manage), self.request)
        self.request.with_user(self.user_manage).action_start()
        self.assertEqual(self.request.state, "in_progress")
        self.teleservice.with_user(self.user_manage).write({"qos_delay_days": 12})
        self.assertEqual(self.teleservice.qos_delay_days, 12)
        stats = (
            self.env["collectivite.request"]
            .with_user(self.user_manage)
            .search([("is_manageable", "=", True)])
        )
        self.assertIn(self.request, stats)
        with self.assertRaises(AccessError):
            self.teleservice_other.with_user(self.user_manage).write({"qos_delay_days": 3})

    def test_profile_defaults(self):
        """Without a line, Agent has the settings' right ("none" by default) and
        Manager manages."""
        agent = self.env["res.users"].create(
            {
                "name": "Agent Défaut",
                "login": "ts_default",
                "groups_id": [
                    (6, 0, [self.env.ref("collectivite_base.collectivite_group_agent").id])
                ],
            }
        )
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("teleservice_requests.default_agent_right"),
            "none",
        )
        self.assertNotIn(self.category, agent.teleservice_read_category_ids)
        self.assertFalse(
            self.env["collectivite.request"].with_user(agent).search([("id", "=", self.request.id)])
        )
        self.assertIn(self.category, self.manager.teleservice_manage_category_ids)
        # the settings give consultation: rules follow at once
        settings = self.env["res.config.settings"].create({})
        settings.teleservice_default_agent_right = "read"
        settings.execute()
        agent.invalidate_recordset()
        self.assertIn(self.category, agent.teleservice_read_category_ids)
        self.assertNotIn(self.category, agent.teleservice_write_category_ids)
        self.assertEqual(
            self.env["collectivite.request"]
            .with_user(agent)
            .search([("id", "=", self.request.id)]),
            self.request,
        )
        # an explicit line overrides the profile, and rules follow at once
        self.env["collectivite.category.right"].create(
            {"category_id": self.category.id, "user_id": agent.id, "right": "write"}
        )
        self.request.with_user(agent).action_start()
        self.assertEqual(self.request.state, "in_progress")

    def test_multi_company(self):
        cergy = self.env.ref("collectivite_base.company_cergy")
        category = self.env["collectivite.category"].create(
            {"name": "Cergy (test)", "company_id": cergy.id}
        )
        teleservice = self.env["collectivite.teleservice"].create(
            {"name": "Cergy (test)", "code": "test_cergy", "category_id": category.id}
        )
        request = self._request(teleservice, household_id=False)
        self.assertFalse(
            self.env["collectivite.request"]
            .with_user(self.manager)
            .search([("id", "=", request.id)])
        )

    def test_citizen_reads_own_household_only(self):
        as_citizen = self.env["collectivite.request"].with_user(self.citizen)
        self.assertEqual(
            as_citizen.search([("id", "in", (self.request | self.request_other).ids)]), self.request
        )
        with self.assertRaises(AccessError):
            self.request.with_user(self.citizen).write({"comment": "x"})

    def test_lock(self):
        as_writer = self.request.with_user(self.user_write)
        as_writer.action_lock()
        self.assertEqual(self.request.lock_user_id, self.user_write)
        as_other = self.request.with_user(self.user_write2)
        self.assertTrue(as_other.is_locked_by_other)
        self.assertFalse(as_other.can_edit)
        with self.assertRaisesRegex(UserError, "Agent Modif"):
            as_other.action_start()
        with self.assertRaises(UserError):
            as_other.action_lock()
        with self.assertRaises(AccessError):
            as_other.action_unlock()
        with self.assertRaises(AccessError):
            as_other.action_take_over()
        self.assertEqual(self.request.state, "pending")
        with self.assertRaisesRegex(UserError, "en cours d’instruction"):
            self.request.with_user(self.citizen).write({"comment": "modifié par l’usager"})
        self.assertFalse(self.request.comment)
        # released by its holder, then taken by another agent through a change
        as_writer.action_unlock()
        self.assertFalse(self.request.lock_user_id)
        as_other.action_start()
        self.assertEqual(self.request.lock_user_id, self.user_write2)
        # a manager takes over
        self.request.with_user(self.manager).action_take_over()
        self.assertEqual(self.request.lock_user_id, self.manager)
        with self.assertRaises(UserError):
            as_other.action_mark_complete()
        self.request.with_user(self.manager).action_unlock()
        as_other.action_mark_complete()
        self.assertEqual(self.request.state, "complete")

    def test_lock_duration(self):
        """The téléservice's lock duration, else the platform settings'."""
        self.env["ir.config_parameter"].set_param("teleservice_requests.lock_minutes", 45)
        other = self.request_other
        self.teleservice.lock_minutes = 5
        now = fields.Datetime.now()
        (self.request | other).with_user(self.manager).action_lock()
        self.assertAlmostEqual(
            self.request.lock_expiry, now + timedelta(minutes=5), delta=timedelta(minutes=1)
        )
        self.assertAlmostEqual(
            other.lock_expiry, now + timedelta(minutes=45), delta=timedelta(minutes=1)
        )
        # a change by an agent locks for the same durations
        (self.request | other).with_user(self.manager).write({"comment": "Vu au guichet"})
        self.assertEqual((self.request | other).lock_user_id, self.manager)
        self.assertAlmostEqual(
            self.request.lock_expiry, now + timedelta(minutes=5), delta=timedelta(minutes=1)
        )
        self.assertAlmostEqual(
            other.lock_expiry, now + timedelta(minutes=45), delta=timedelta(minutes=1)
        )

    def test_lock_expires(self):
        self.request.with_user(self.user_write).action_lock()
        self.request.lock_expiry = "2020-01-01 00:00:00"
        self.request.invalidate_recordset()
        self.request.with_user(self.user_write2).action_start()
        self.assertEqual(self.request.state, "in_progress")
