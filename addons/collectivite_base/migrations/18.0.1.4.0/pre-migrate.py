"""The history of recomputed deadlines moved from one row per moved date to
one row per recompute and block of records (``collectivite.deadline.history``):
the rows of the old layout are set aside before the table is made anew, and
written back in the new layout by the post-migration."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not column_exists(cr, "collectivite_deadline_history", "field_name"):
        return
    cr.execute(
        """CREATE TABLE collectivite_deadline_history_by_date AS
           SELECT res_model, res_id, field_name, date, date_old, date_new
             FROM collectivite_deadline_history"""
    )
    cr.execute("DROP TABLE collectivite_deadline_history")
