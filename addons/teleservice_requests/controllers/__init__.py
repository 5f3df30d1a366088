from . import (
    payfip,
    portal_anonymous,
    portal_catalogue,
    portal_form,
    portal_justificatifs,
    portal_payment,
)
