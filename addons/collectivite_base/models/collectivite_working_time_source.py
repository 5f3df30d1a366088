from odoo import api, models

WORKING_TIME_TABLES_KEY = "collectivite_base.working_time_tables"


class CollectiviteWorkingTimeSource(models.AbstractModel):
    """What a working-time table is built from: calendars, their opening periods
    and time off. Any change drops the transaction's tables
    (``resource.calendar._working_time_table``) and the registry cache they are
    built from (``_working_time_terms``, ``_working_time_leaves``), which the
    registry then clears in the other workers too."""

    _name = "collectivite.working.time.source"
    _description = "Source of working time"

    @api.model
    def _invalidate_working_time_tables(self):
        """Drop the working-time tables of the transaction and the registry
        cache of their data (leaves without calendar apply to every calendar,
        so all of them go)."""
        self.env.cr.postcommit.data.pop(WORKING_TIME_TABLES_KEY, None)
        self.env.registry.clear_cache()

    def _affects_working_time(self):
        """Whether these records are part of what working-time tables are built
        from (overridden by time off: only leaves without resource count)."""
        return bool(self)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if records._affects_working_time():
            self._invalidate_working_time_tables()
        return records

    def write(self, vals):
        affected = self._affects_working_time()
        result = super().write(vals)
        if affected or self._affects_working_time():
            self._invalidate_working_time_tables()
        return result

    def unlink(self):
        affected = self._affects_working_time()
        result = super().unlink()
        if affected:
            self._invalidate_working_time_tables()
        return result
