from odoo import api, models
from odoo.exceptions import UserError


class CollectiviteStateMixin(models.AbstractModel):
    """Explicit state machine shared by the suite's models.

    A model declares its ``state`` selection field and, in one place, the
    transitions it allows::

        _state_transitions = {"draft": ("submitted",), "submitted": ("done",)}

    Each ``action_*`` method then calls ``self._set_state(target, values)``.
    A direct ``write`` of the state (a view, a controller, an import) goes
    through the same check, so a refused move never changes anything.
    """

    _name = "collectivite.state.mixin"
    _description = "Collectivité state machine"

    _state_field = "state"
    _state_transitions = {}

    @api.model
    def _state_label(self, value):
        selection = self._fields[self._state_field]._description_selection(self.env)
        return dict(selection).get(value, value or "")

    def _check_transition(self, target):
        """Refuse the move of any record of ``self`` to ``target`` not in the table.

        An action towards the current state is refused too: validating what is
        already valid must say so rather than do the work again.
        """
        for record in self:
            source = record[self._state_field]
            if source == target:
                raise UserError(
                    self.env._(
                        "%(record)s is already “%(state)s”.",
                        record=record.display_name,
                        state=self._state_label(target),
                    )
                )
            if target not in self._state_transitions.get(source, ()):
                raise UserError(
                    self.env._(
                        "%(record)s cannot go from “%(from_state)s” to “%(to_state)s”.",
                        record=record.display_name,
                        from_state=self._state_label(source),
                        to_state=self._state_label(target),
                    )
                )

    def _set_state(self, target, values=None):
        """Move ``self`` to ``target`` after checking the transition table."""
        self._check_transition(target)
        values = dict(values or {})
        values[self._state_field] = target
        return self.with_context(collectivite_state_checked=True).write(values)

    def write(self, vals):
        if self._state_field in vals and not self.env.context.get("collectivite_state_checked"):
            # A write that repeats the current value (a form saved as is) is no move.
            target = vals[self._state_field]
            self.filtered(lambda rec: rec[self._state_field] != target)._check_transition(target)
        return super().write(vals)
