from . import test_contract, test_escalation, test_kpi, test_portal, test_ticket, test_trust
