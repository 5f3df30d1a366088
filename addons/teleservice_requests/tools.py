"""Plain helpers of the téléservices, without the ORM (each testable alone)."""

from odoo.fields import Command


def m2m_added_ids(commands):
    """Ids a many2many write may link: those of ``LINK`` and ``SET`` commands
    (or a plain list of ids). Records created by the write are checked by
    their own create rules."""
    ids = []
    for command in commands or ():
        if isinstance(command, int):
            ids.append(command)
        elif command[0] == Command.LINK:
            ids.append(command[1])
        elif command[0] == Command.SET:
            ids.extend(command[2])
    return ids


def household_address(household):
    """The postal address of a household, one line per part (number and
    street, complement, zip and city), empty parts left out."""
    return "\n".join(
        part
        for part in (
            " ".join(filter(None, (household.street_number, household.street))),
            household.street2,
            " ".join(filter(None, (household.zip, household.city))),
        )
        if part
    )
