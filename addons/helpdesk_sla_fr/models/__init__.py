# First: the matrix and target models inherit it.
from . import helpdesk_sla_terms_source  # isort: skip
from . import (
    helpdesk_call_log,
    helpdesk_priority_matrix,
    helpdesk_sla_contract,
    helpdesk_sla_escalation,
    helpdesk_sla_outage,
    helpdesk_sla_target,
    helpdesk_ticket,
    helpdesk_ticket_component,
    helpdesk_ticket_product,
    helpdesk_ticket_stage,
    report_sla_monthly,
    res_partner,
    resource_calendar,
)
