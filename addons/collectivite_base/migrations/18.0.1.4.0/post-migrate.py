"""The history set aside by the pre-migration, written in the new layout (one
row per recompute, its date kept, and block of records)."""

from odoo import SUPERUSER_ID, api
from odoo.tools.sql import table_exists


def migrate(cr, version):
    if not table_exists(cr, "collectivite_deadline_history_by_date"):
        return
    History = api.Environment(cr, SUPERUSER_ID, {})["collectivite.deadline.history"]
    cr.execute(
        """SELECT res_model, date, res_id, field_name, date_old, date_new
             FROM collectivite_deadline_history_by_date
            ORDER BY res_model, date, res_id"""
    )
    recomputes = {}
    for model, date, res_id, name, old, new in cr.fetchall():
        recomputes.setdefault((model, date), {}).setdefault(res_id, {})[name] = (old, new)
    for (model, date), moves in recomputes.items():
        History._insert(model, moves, date=date)
    cr.execute("DROP TABLE collectivite_deadline_history_by_date")
