from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common import SlaCaseMixin, paris


@tagged("post_install", "-at_install")
class TestSlaContract(SlaCaseMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sla()

    def _matrix(self, skip=None):
        cells = []
        for impact in ("high", "medium", "low"):
            for blocking in (True, False):
                if (impact, blocking) == skip:
                    continue
                cells.append(
                    (
                        0,
                        0,
                        {
                            "impact": impact,
                            "is_blocking": blocking,
                            "priority": "2" if blocking else "1",
                        },
                    )
                )
        return cells

    def test_shipped_contracts(self):
        """The three contracts ship with complete matrices, targets and calendars."""
        for contract in (self.resotic, self.webrsa, self.paris):
            self.assertEqual(len(contract.matrix_ids), 6)
            self.assertTrue(contract.target_ids)
            self.assertTrue(contract.calendar_id.has_french_holidays)
        self.assertEqual(sorted(self.resotic.target_ids.mapped("amount")), [4.0, 16.0, 40.0, 64.0])
        self.assertEqual(set(self.webrsa.target_ids.mapped("unit")), {"days"})
        self.assertEqual(self.resotic._priority_for("low", True), "3")
        self.assertEqual(self.resotic._priority_for("low", False), "0")

    def _fresh_transaction(self):
        """What a new transaction starts with: no record cache, no working-time
        table; the registry cache stays."""
        self.env.flush_all()
        self.env.cr.postcommit.clear()
        self.env.invalidate_all()

    def test_terms_cached_across_transactions(self):
        """A contract's terms are read once for all transactions, and read
        again after a change of its matrix, its targets or its organisations."""
        start = paris(2026, 11, 16, 9, 0)  # Monday
        ticket = self._ticket(self.resotic, start, impact="low")
        self.assertEqual(ticket.priority, "0")
        self._fresh_transaction()
        with self.assertQueryCount(0):
            contracts = self.resotic.sudo()
            self.assertEqual(contracts._matrix_map()[(self.resotic.id, "low", False)], "0")
            self.assertEqual(contracts._target_map()[(self.resotic.id, "0", "response")][0], 64)
        # a matrix cell changed
        cell = self.resotic.matrix_ids.filtered(lambda c: c.impact == "low" and not c.is_blocking)
        cell.priority = "1"
        self._fresh_transaction()
        ticket = self._ticket(self.resotic, start, impact="low")
        self.assertEqual(ticket.priority, "1")
        # 40 working hours, 6.5 a day: Monday 16 to Monday 23 (39 h), 1 h on Tuesday 24
        self.assertEqual(ticket.date_response_due, paris(2026, 11, 24, 10, 0))
        # a target changed
        target = self.resotic.target_ids.filtered(
            lambda t: t.priority == "1" and t.kind == "response"
        )
        target.amount = 4
        self._fresh_transaction()
        ticket = self._ticket(self.resotic, start, impact="low")
        self.assertEqual(ticket.date_response_due, paris(2026, 11, 16, 15, 0))
        # a contract for one organisation, whose archiving puts it out of reach
        specific = self.resotic.copy({"name": "RESOTIC Pontoise", "sequence": 1})
        specific.partner_ids = self.organisation | self.env["res.partner"].create(
            {"name": "Mairie de Cergy", "is_company": True}
        )
        self._fresh_transaction()
        self.assertEqual(self._ticket(self.resotic, start).sla_contract_id, specific)
        self.organisation.active = False
        self._fresh_transaction()
        self.assertEqual(self._ticket(self.resotic, start).sla_contract_id, self.resotic)

    def test_terms_kept_on_other_changes(self):
        """Only the contract fields its terms are read from clear them
        (``collectivite.registry.cache.source`` with ``_registry_cache_fields``)."""
        contracts = self.resotic.sudo()
        contracts._matrix_map()
        self.resotic.write({"name": "RESOTIC (renommé)", "at_risk_share": 80})
        self._fresh_transaction()
        with self.assertQueryCount(0):
            self.assertEqual(contracts._matrix_map()[(self.resotic.id, "low", False)], "0")
        self.resotic.write({"send_acknowledgement": not self.resotic.send_acknowledgement})
        self._fresh_transaction()
        queries = self.env.cr.sql_log_count
        contracts._matrix_map()
        self.assertGreater(self.env.cr.sql_log_count, queries, "terms read again")

    def test_manager_creates_contract(self):
        Contract = self.env["helpdesk.sla.contract"].with_user(self.manager)
        contract = Contract.create(
            {
                "name": "Contrat test",
                "team_id": self.resotic.team_id.id,
                "calendar_id": self.resotic.calendar_id.id,
                "matrix_ids": self._matrix(),
                "target_ids": [
                    (0, 0, {"priority": "2", "kind": "resolution", "amount": 3, "unit": "days"})
                ],
            }
        )
        self.assertEqual(contract._priority_for("medium", True), "2")

    def test_matrix_missing_cell_refused(self):
        Contract = self.env["helpdesk.sla.contract"].with_user(self.manager)
        with self.assertRaises(ValidationError):
            Contract.create(
                {
                    "name": "Contrat incomplet",
                    "team_id": self.resotic.team_id.id,
                    "calendar_id": self.resotic.calendar_id.id,
                    "matrix_ids": self._matrix(skip=("low", False)),
                }
            )
        self.assertFalse(Contract.search([("name", "=", "Contrat incomplet")]))

    def test_matrix_cell_deleted_refused(self):
        cell = self.resotic.matrix_ids[:1]
        with self.assertRaises(ValidationError):
            cell.with_user(self.manager).unlink()
        self.assertTrue(cell.exists())
        self.assertEqual(len(self.resotic.matrix_ids), 6)

    def test_zero_or_negative_target_refused(self):
        target = self.resotic.target_ids.filtered(lambda t: t.priority == "3")
        for amount in (0, -4):
            with self.assertRaises(ValidationError):
                target.with_user(self.manager).write({"amount": amount})
            self.assertEqual(target.amount, 4.0)

    def test_agent_cannot_change_contract(self):
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            self.resotic.with_user(self.agent).write({"at_risk_share": 50})
        self.assertEqual(self.resotic.at_risk_share, 75.0)

    def test_calendar_without_working_time_refused(self):
        calendar = self.resotic.calendar_id
        with self.assertRaises(ValidationError):
            calendar.write({"attendance_ids": [(5, 0, 0)]})
        self.assertTrue(calendar.attendance_ids)

    def test_new_contract_applies_at_once(self):
        """The per-team contract cache is cleared when contracts change."""
        team = self.env["helpdesk.ticket.team"].create({"name": "Équipe nouvelle"})
        vals = {"name": "Question", "description": "<p>?</p>", "team_id": team.id}
        Ticket = self.env["helpdesk.ticket"].with_user(self.agent)
        self.assertFalse(Ticket.create(dict(vals)).sla_contract_id)
        contract = (
            self.env["helpdesk.sla.contract"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Contrat nouveau",
                    "team_id": team.id,
                    "calendar_id": self.resotic.calendar_id.id,
                    "matrix_ids": self._matrix(),
                }
            )
        )
        self.assertEqual(Ticket.create(dict(vals)).sla_contract_id, contract)
        contract.with_user(self.manager).write({"active": False})
        self.assertFalse(Ticket.create(dict(vals)).sla_contract_id)
