from odoo import api, models

WORKING_TIME_TABLES_KEY = "collectivite_base.working_time_tables"


class CollectiviteWorkingTimeSource(models.AbstractModel):
    """What a working-time table is built from: calendars, their opening periods
    and time off. Any change drops the transaction's tables
    (``resource.calendar._working_time_table``) and the registry cache they are
    built from (``_working_time_terms``, ``_working_time_leaves``), which the
    registry then clears in the other workers too
    (``collectivite.registry.cache.source``)."""

    _name = "collectivite.working.time.source"
    _inherit = ["collectivite.registry.cache.source"]
    _description = "Source of working time"

    @api.model
    def _clear_registry_cache(self):
        """Drop the working-time tables of the transaction too (leaves without
        calendar apply to every calendar, so all of them go)."""
        self.env.cr.postcommit.data.pop(WORKING_TIME_TABLES_KEY, None)
        super()._clear_registry_cache()
