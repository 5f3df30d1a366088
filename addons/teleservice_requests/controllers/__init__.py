from . import (
    payfip,
    portal_anonymous,
    portal_catalogue,
    portal_form,
    portal_justificatifs,
    portal_payment,
)

# isort: skip_file
# (One import per line: each concern of the portal appends its own.)
from . import portal_requests
from . import portal_legal
