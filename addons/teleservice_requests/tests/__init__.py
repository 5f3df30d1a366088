from . import (
    test_crons,
    test_form_values,
    test_http,
    test_integrity,
    test_justificatif,
    test_outside,
    test_quality_of_service,
    test_report,
    test_request_workflow,
    test_rights,
    test_state_moves,
    test_tools,
)
