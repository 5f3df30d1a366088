from . import (
    test_bad_input,
    test_contract,
    test_deadline_recompute,
    test_demo_history,
    test_escalation,
    test_kpi,
    test_portal,
    test_portal_desk,
    test_report_http,
    test_sla_planner,
    test_ticket,
    test_trust,
)
