"""Plain Python: reading the values citizens and agents type in the household forms.

No ORM here: each function takes and returns plain values, so that it is tested
alone (``tests/test_form_values.py``). The models turn what these functions
refuse into French messages.
"""

import datetime
import re

# ASCII digits only: ``\d`` and ``str.isdigit`` also accept "²" or "٣".
ZIP_RE = re.compile(r"[0-9]{5}")
ID_RE = re.compile(r"[0-9]{1,10}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# What PostgreSQL refuses (NUL) and what no one types: control characters other
# than tabulations and line breaks.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Longer texts are refused: names and addresses fit, and an index row stays small.
MAX_TEXT_LENGTH = 200
# The largest id PostgreSQL's ``integer`` holds.
MAX_ID = 2**31 - 1
# Older birth dates are typing mistakes.
EARLIEST_BIRTHDATE = datetime.date(1900, 1, 1)


def compose_name(firstname, lastname):
    """“First name last name”, each part stripped; empty parts are left out."""
    return " ".join(part.strip() for part in (firstname, lastname) if part and part.strip())


def is_zip_code(value):
    """Whether ``value`` (stripped) is a French zip code: five digits."""
    return isinstance(value, str) and bool(ZIP_RE.fullmatch(value))


def parse_id(value):
    """The record id a form posted (``"12"``), or 0 when it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else 0
    value = value.strip() if isinstance(value, str) else ""
    if not ID_RE.fullmatch(value) or int(value) > MAX_ID:
        return 0
    return int(value)


def parse_date(value):
    """The date of an ISO ``YYYY-MM-DD`` text (what a date input posts).

    :raise ValueError: for anything else (including a year written on fewer
        than four digits, which Odoo could not read back)
    """
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not DATE_RE.fullmatch(value.strip()):
        raise ValueError(value)
    return datetime.date.fromisoformat(value.strip())


def text_problem(value, max_length=MAX_TEXT_LENGTH):
    """What is wrong with a text a form posted, or None.

    :return: ``"type"`` (not a text: a file, a list), ``"control"`` (a NUL byte
        or another control character), ``"length"`` (longer than ``max_length``)
    """
    if value is None or value is False:
        return None
    if not isinstance(value, str):
        return "type"
    if CONTROL_RE.search(value):
        return "control"
    if len(value) > max_length:
        return "length"
    return None


def displayable(value):
    """A posted value as it can be shown back in the form: a text without control characters."""
    if not isinstance(value, str):
        return ""
    return CONTROL_RE.sub("", value)
