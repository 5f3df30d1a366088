from odoo import models
from odoo.exceptions import UserError


class CollectiviteGuardedStateMixin(models.AbstractModel):
    """The base state machine, plus: an action towards the current state is refused.

    (``collectivite.state.mixin`` lets a move to the same state pass silently;
    validating a valid household or accepting an accepted change twice must
    say so instead of doing the work again.)
    """

    _name = "collectivite.guarded.state.mixin"
    _description = "Household state machine (no silent same-state moves)"
    _inherit = ["collectivite.state.mixin"]

    def _check_transition(self, target):
        for record in self:
            if record[self._state_field] == target:
                raise UserError(
                    self.env._(
                        "%(record)s is already “%(state)s”.",
                        record=record.display_name,
                        state=self._state_label(target),
                    )
                )
        return super()._check_transition(target)
