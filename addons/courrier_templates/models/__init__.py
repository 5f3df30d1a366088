from . import (
    collectivite_letter,
    collectivite_letter_batch,
    collectivite_letter_template,
    collectivite_request,
    ir_actions_report,
)
