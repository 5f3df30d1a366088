from . import (
    test_form_values,
    test_household_form_input,
    test_household_history_lang,
    test_household_portal,
    test_household_rights,
    test_household_signup,
    test_household_state,
    test_household_tour,
    test_household_trust,
    test_household_validation,
)
