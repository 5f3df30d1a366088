from . import collectivite_system_log  # noqa: I001 (mixin first)
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
    collectivite_request_dashboard,
    collectivite_request_value,
    collectivite_season,
    collectivite_teleservice,
    ir_attachment,
    res_config_settings,
    res_users,
)
