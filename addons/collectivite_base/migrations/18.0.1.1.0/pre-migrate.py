"""The "Système" partner moved from teleservice_requests to collectivite_base
(with the ``collectivite.system.log`` mixin): its xmlid follows, so the
history already written keeps its author and no second partner is created."""


def migrate(cr, version):
    cr.execute(
        """UPDATE ir_model_data SET module = 'collectivite_base'
            WHERE module = 'teleservice_requests' AND name = 'partner_system'
              AND NOT EXISTS (SELECT 1 FROM ir_model_data
                               WHERE module = 'collectivite_base' AND name = 'partner_system')"""
    )
