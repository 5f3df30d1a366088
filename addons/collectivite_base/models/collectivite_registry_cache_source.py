from odoo import api, models


class CollectiviteRegistryCacheSource(models.AbstractModel):
    """Records that registry caches (``tools.ormcache``) are read from: creating,
    changing or deleting them clears those caches, which the registry then
    clears in the other workers too.

    A model inheriting it says which of its changes count:
    ``_registry_cache_fields`` (the fields whose writes count; empty: any
    write) and ``_affects_registry_cache`` (which records count, e.g. only
    leaves without a resource). ``_clear_registry_cache`` is the one place
    where the caches go, to extend for what a transaction keeps besides."""

    _name = "collectivite.registry.cache.source"
    _description = "Source of registry caches"

    # Fields whose writes clear the caches; empty: any write.
    _registry_cache_fields = frozenset()

    def _affects_registry_cache(self):
        """Whether these records are part of what the caches are built from."""
        return bool(self)

    @api.model
    def _clear_registry_cache(self):
        self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if records._affects_registry_cache():
            self._clear_registry_cache()
        return records

    def write(self, vals):
        if self._registry_cache_fields and self._registry_cache_fields.isdisjoint(vals):
            return super().write(vals)
        affected = self._affects_registry_cache()
        result = super().write(vals)
        if affected or self._affects_registry_cache():
            self._clear_registry_cache()
        return result

    def unlink(self):
        affected = self._affects_registry_cache()
        result = super().unlink()
        if affected:
            self._clear_registry_cache()
        return result
