from . import collectivite_letter_wizard
