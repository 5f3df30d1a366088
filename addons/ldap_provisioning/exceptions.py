"""The errors of the provisioning (no Odoo model here)."""

from odoo.exceptions import UserError


class DirectoryError(UserError):
    """The directory could not be used (unreachable, bind refused, refused write).

    The message is already translated and never contains the bind password.
    """


class SyncBusy(UserError):
    """Another synchronisation of the same directory is running right now."""
