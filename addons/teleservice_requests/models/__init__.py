# isort: skip_file
# (The request's concerns are imported after the request, in the order their
# overrides run inside out: a ``write`` checks the justificatif links first,
# then the lock.)
from . import (
    collectivite_category,
    collectivite_category_right,
    collectivite_form_field,
    collectivite_household,
    collectivite_justificatif,
    collectivite_justificatif_type,
    collectivite_parameter_list,
    collectivite_parameter_value,
    collectivite_request,
    collectivite_request_life_cycle,
    collectivite_request_lock,
    collectivite_request_justificatif,
    collectivite_request_quality,
    collectivite_request_notification,
    collectivite_request_retention,
    collectivite_request_dashboard,
    collectivite_request_value,
    collectivite_season,
    collectivite_teleservice,
    collectivite_teleservice_catalogue,
    ir_attachment,
    res_config_settings,
    res_users,
)
