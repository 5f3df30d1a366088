"""The history of recomputed deadlines, one row per recompute and block of
records: each record reads back its own moves, a deleted record's moves go
(its neighbours' stay), and the history of the former layout (one row per
moved date) is carried over by the update."""

from datetime import datetime

from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

from ..models.collectivite_deadline_history import BLOCK

HISTORY = "collectivite.deadline.history"


@tagged("post_install", "-at_install")
class TestDeadlineHistory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.History = cls.env[HISTORY]
        # two partners of the same block and one of another (any model will do)
        first = cls.env["res.partner"].create({"name": "Premier"})
        cls.env.cr.execute("SELECT setval('res_partner_id_seq', %s)", [first.id + BLOCK])
        cls.partners = first | cls.env["res.partner"].create(
            [{"name": "Deuxième"}, {"name": "Troisième"}]
        )

    def _moves(self, records):
        return sorted(
            (move.res_id, move.field_name, move.date_old, move.date_new)
            for move in self.History._moves_of(records)
        )

    def test_each_record_reads_its_moves(self):
        first, second, third = self.partners
        self.assertEqual(first.id // BLOCK, second.id // BLOCK - 1)
        before, after = datetime(2026, 11, 23, 10, 30), datetime(2026, 11, 24, 10, 30)
        self.History._insert(
            "res.partner",
            {
                first.id: {"date": (before, after)},
                second.id: {"date": (before, after), "write_date": (after, before)},
                third.id: {"write_date": (False, after)},
            },
        )
        self.assertEqual(self._moves(first), [(first.id, "date", before, after)])
        self.assertEqual(
            self._moves(second | third),
            [
                (second.id, "date", before, after),
                (second.id, "write_date", after, before),
                (third.id, "write_date", None, after),
            ],
        )
        rows = self.History.search([("res_model", "=", "res.partner")])
        self.assertEqual(len(rows), 2, "one row a block")
        # a deleted record's moves go, its neighbour's stay, an emptied row goes
        self.History._delete_of("res.partner", [second.id, first.id])
        self.assertFalse(self._moves(first | second))
        self.assertEqual(self._moves(third), [(third.id, "write_date", None, after)])
        self.assertEqual(len(rows.exists()), 1)

    def test_former_layout_is_carried_over(self):
        first, second, _third = self.partners
        cr = self.env.cr
        cr.execute(
            """CREATE TABLE collectivite_deadline_history_by_date (
                   res_model varchar, res_id int, field_name varchar, date timestamp,
                   date_old timestamp, date_new timestamp)"""
        )
        cr.execute(
            """INSERT INTO collectivite_deadline_history_by_date VALUES
               ('res.partner', %(first)s, 'date', '2026-11-20 10:00', '2026-11-23 10:30',
                '2026-11-24 10:30'),
               ('res.partner', %(second)s, 'date', '2026-11-20 10:00', NULL,
                '2026-11-24 10:30'),
               ('res.partner', %(first)s, 'date', '2026-11-21 09:00', '2026-11-24 10:30',
                '2026-11-23 10:30')""",
            {"first": first.id, "second": second.id},
        )
        migration = load_script(
            file_path("collectivite_base/migrations/18.0.1.4.0/post-migrate.py"), "post_migrate"
        )
        migration.migrate(cr, "18.0.1.3.0")
        moves = self.History._moves_of(first | second)
        # the latest recompute first for each record
        self.assertEqual(
            sorted(
                ((move.res_id, move.date, move.date_old, move.date_new) for move in moves),
                key=lambda move: (move[0], -move[1].timestamp()),
            ),
            [
                (
                    first.id,
                    datetime(2026, 11, 21, 9),
                    datetime(2026, 11, 24, 10, 30),
                    datetime(2026, 11, 23, 10, 30),
                ),
                (
                    first.id,
                    datetime(2026, 11, 20, 10),
                    datetime(2026, 11, 23, 10, 30),
                    datetime(2026, 11, 24, 10, 30),
                ),
                (second.id, datetime(2026, 11, 20, 10), None, datetime(2026, 11, 24, 10, 30)),
            ],
        )
        cr.execute("SELECT to_regclass('collectivite_deadline_history_by_date')")
        self.assertIsNone(cr.fetchone()[0])
