from . import portal_anonymous, portal_catalogue, portal_form, portal_justificatifs
