from . import portal_anonymous, portal_catalogue, portal_form, portal_justificatifs
from . import payfip, portal_payment
