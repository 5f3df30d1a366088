"""Statements run in the background of a transaction: in order, in the same
transaction (rolled back with it), the caller querying meanwhile, the first
failing statement's error raised; rows sent in COPY's binary format; and the
garbage collector's pause."""

import gc

import psycopg2

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from ..background_statements import BackgroundStatements
from ..gc_pause import gc_paused
from ..sql_copy import COPY_NULL, copy_binary


@tagged("post_install", "-at_install")
class TestBackgroundStatements(TransactionCase):
    def _name_of(self, partner):
        self.env.cr.execute("SELECT name FROM res_partner WHERE id = %s", [partner.id])
        return self.env.cr.fetchone()[0]

    def test_same_transaction_in_order(self):
        partner = self.env["res.partner"].create({"name": "Avant"})
        partner.flush_recordset()
        with self.env.cr.savepoint(flush=False) as savepoint:
            with BackgroundStatements(self.env.cr) as statements:
                statements.execute(
                    SQL("UPDATE res_partner SET name = 'Pendant' WHERE id = %s", partner.id)
                )
                rows = statements.fetch(
                    SQL("SELECT name FROM res_partner WHERE id = %s", partner.id)
                )
                # the caller's own query meanwhile waits for the statement in flight
                self.assertIn(self._name_of(partner), ("Avant", "Pendant"))
                self.assertEqual(rows.result(), [("Pendant",)])
            self.assertEqual(self._name_of(partner), "Pendant")
            savepoint.rollback()
        # rolled back with the transaction (here its savepoint)
        self.assertEqual(self._name_of(partner), "Avant")

    def test_first_error_is_raised(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UndefinedTable),
            self.env.cr.savepoint(flush=False),
            BackgroundStatements(self.env.cr) as statements,
        ):
            statements.execute(SQL("SELECT 1 FROM no_such_table"))
            # refused too (the transaction is aborted), not the error raised
            statements.fetch(SQL("SELECT 1"))

    def test_copy_binary(self):
        """Columns of integers, extremes and missing values included, arrive
        as sent, in the order of the statements."""
        ids = [1, 2, 3, 2_147_483_647]
        instants = [0, None, -1_000_000, 9_223_372_036_854_775_807]
        self.env.cr.execute("CREATE TEMPORARY TABLE copied (id int4, instant int8)")
        with BackgroundStatements(self.env.cr) as statements:
            statements.copy_from(
                SQL("COPY copied FROM STDIN WITH (FORMAT binary)"),
                copy_binary([(ids, "int4"), (instants, "int8")]),
            )
            rows = statements.fetch(
                SQL(
                    "SELECT id, NULLIF(instant, %s::int8) FROM copied ORDER BY id",
                    str(COPY_NULL),
                )
            )
            self.assertEqual(rows.result(), list(zip(ids, instants, strict=True)))
        with self.assertRaises(AssertionError):
            BackgroundStatements(self.env.cr).copy_from(SQL("COPY copied FROM STDIN %s", 1), b"")

    def test_gc_paused(self):
        self.assertTrue(gc.isenabled())
        with gc_paused():
            self.assertFalse(gc.isenabled())
            with gc_paused():
                self.assertFalse(gc.isenabled())
            self.assertFalse(gc.isenabled(), "the inner block leaves it paused")
        self.assertTrue(gc.isenabled())
        with self.assertRaises(ZeroDivisionError), gc_paused():
            _ = 1 / 0
        self.assertTrue(gc.isenabled())
