from . import payfip, portal_payment
