from . import portal, portal_desk
