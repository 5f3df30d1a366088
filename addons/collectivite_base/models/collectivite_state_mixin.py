import contextlib
import contextvars
from dataclasses import dataclass

from odoo import api, models
from odoo.exceptions import AccessError, UserError

# The state moves the server is making: (model, field, ids). Set only around the
# write of ``_move``: a client cannot reach it (``env.context`` would be).
_MOVING = contextvars.ContextVar("collectivite_state_moving", default=())


@dataclass(frozen=True)
class Move:
    """One move of a state machine.

    - ``guard``: name of a method of one record, ``guard(values)``, returning
      the list of what blocks the move (French sentences); ``values`` are the
      other values written with the move.
    - ``group``: xmlid of the group allowed to make the move (the superuser,
      i.e. the server's own work, always may).
    - ``values``: name of a method of the moved records returning values written
      with the state (dates, author).
    - ``effects``: name(s) of methods called on the moved records once the state
      is written (mails, chatter, follow-ups).
    - ``by_write``: whether a client may make the move by writing the state;
      when ``False`` only the server's own code makes it.
    """

    guard: str = None
    group: str = None
    values: str = None
    effects: str | tuple = ()
    by_write: bool = True

    @property
    def effect_names(self):
        return (self.effects,) if isinstance(self.effects, str) else tuple(self.effects)


@contextlib.contextmanager
def _moving(records, field):
    token = _MOVING.set((*_MOVING.get(), (records._name, field, frozenset(records.ids))))
    try:
        yield
    finally:
        _MOVING.reset(token)


class CollectiviteStateMixin(models.AbstractModel):
    """State machines shared by the suite's models: one table, one path.

    A model declares, per state field, the moves it allows::

        _state_moves = {
            "state": {
                ("complete", "validated"): Move(
                    guard="_validation_blockers",
                    group="collectivite_base.collectivite_group_agent",
                    values="_agent_values",
                    effects="_on_validated",
                ),
            },
        }

    Each ``action_*`` method only names its move: ``return self._move("validated")``.
    A direct ``write`` of a state field (a form, an import, a JSON-RPC call) is the
    same move with the same table, group, guard, values and effects, or is
    refused. A record is created in its field's initial state; only the
    superuser (data files) creates one elsewhere.
    """

    _name = "collectivite.state.mixin"
    _description = "Collectivité state machine"

    _state_moves = {}

    @api.model
    def _state_label(self, value, field="state"):
        selection = self._fields[field]._description_selection(self.env)
        return dict(selection).get(value, value or "")

    def _state_move_of(self, target, field):
        """The move of the single record ``self`` to ``target``, or a UserError."""
        source = self[field]
        if source == target:
            raise UserError(
                self.env._(
                    "%(record)s is already “%(state)s”.",
                    record=self.display_name,
                    state=self._state_label(target, field),
                )
            )
        move = self._state_moves[field].get((source, target))
        if move is None:
            raise UserError(
                self.env._(
                    "%(record)s cannot go from “%(from_state)s” to “%(to_state)s”.",
                    record=self.display_name,
                    from_state=self._state_label(source, field),
                    to_state=self._state_label(target, field),
                )
            )
        return move

    def _check_target_rights(self, target, field):
        """Refuse at once a user who may make no move at all to ``target``."""
        if self.env.su or not self:
            return
        groups = [move.group for (_s, to), move in self._state_moves[field].items() if to == target]
        if groups and all(group and not self.env.user.has_group(group) for group in groups):
            raise AccessError(
                self.env._(
                    "You are not allowed to move %(record)s to “%(state)s”.",
                    record=self[:1].display_name,
                    state=self._state_label(target, field),
                )
            )

    def _check_move(self, target, values=None, field="state"):
        """Refuse the move of ``self`` to ``target`` unless the table, the group
        and the guard of each record's move allow it.

        :return: ``{(source, move): records}``"""
        values = values or {}
        self._check_target_rights(target, field)
        by_move = {}
        for record in self:
            move = record._state_move_of(target, field)
            by_move.setdefault((record[field], move), []).append(record.id)
        for (source, move), ids in by_move.items():
            records = self.browse(ids)
            if move.group and not self.env.su and not self.env.user.has_group(move.group):
                raise AccessError(
                    self.env._(
                        "You are not allowed to move %(record)s from “%(from_state)s” to "
                        "“%(to_state)s”.",
                        record=records[:1].display_name,
                        from_state=self._state_label(source, field),
                        to_state=self._state_label(target, field),
                    )
                )
            if move.guard:
                for record in records:
                    blockers = getattr(record, move.guard)(values)
                    if blockers:
                        raise UserError(
                            self.env._(
                                "%(record)s cannot go from “%(from_state)s” to “%(to_state)s”: "
                                "%(blockers)s.",
                                record=record.display_name,
                                from_state=self._state_label(source, field),
                                to_state=self._state_label(target, field),
                                blockers="; ".join(blockers),
                            )
                        )
        return {key: self.browse(ids) for key, ids in by_move.items()}

    def _move(self, target, values=None, field="state"):
        """Move ``self`` to ``target`` (the ``field`` state), writing ``values`` too.

        Everything is checked before anything is written: a refused move changes
        nothing. Then, per move: its values, the write, its effects."""
        by_move = self._check_move(target, values, field)
        for (_source, move), records in by_move.items():
            vals = dict(values or {})
            if move.values:
                vals.update(getattr(records, move.values)())
            vals[field] = target
            with _moving(records, field):
                records.write(vals)
            for effect in move.effect_names:
                getattr(records, effect)()
        return True

    def _is_moving(self, field):
        ids = set(self.ids)
        return any(
            model == self._name and name == field and ids <= moved
            for model, name, moved in _MOVING.get()
        )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if not self.env.su:
            for field in self._state_moves:
                default = self._fields[field].default
                initial = default(self) if default else False
                born_elsewhere = records.filtered(lambda record, f=field, i=initial: record[f] != i)
                if born_elsewhere:
                    raise UserError(
                        self.env._(
                            "%(record)s must be created “%(state)s”: its state then changes "
                            "by its actions.",
                            record=born_elsewhere[:1].display_name,
                            state=self._state_label(initial, field),
                        )
                    )
        return records

    def write(self, vals):
        for field in self._state_moves:
            if field not in vals or self._is_moving(field):
                continue
            # A direct write of the state is the move itself, or nothing.
            target = vals[field]
            rest = {key: value for key, value in vals.items() if key != field}
            moving = self.filtered(lambda record, f=field, t=target: record[f] != t)
            if moving and not self.env.su:
                for record in moving:
                    if not record._state_move_of(target, field).by_write:
                        raise UserError(
                            self.env._(
                                "%(record)s cannot be moved to “%(state)s” by a change of its "
                                "state: use its actions.",
                                record=record.display_name,
                                state=self._state_label(target, field),
                            )
                        )
            if moving:
                moving._move(target, rest, field)
            if (self - moving) and rest:
                (self - moving).write(rest)
            return True
        return super().write(vals)
