from . import collectivite_state_mixin
