"""Plain Python: reading the values citizens and agents type in the household forms.

No ORM here: each function takes and returns plain values, so that it is tested
alone (``tests/test_form_values.py``). The models turn what these functions
refuse into French messages.
"""

import re

ZIP_RE = re.compile(r"^\d{5}$")


def compose_name(firstname, lastname):
    """“First name last name”, each part stripped; empty parts are left out."""
    return " ".join(part.strip() for part in (firstname, lastname) if part and part.strip())


def is_zip_code(value):
    """Whether ``value`` (stripped) is a French zip code: five digits."""
    return bool(ZIP_RE.match(value or ""))


def parse_id(value):
    """The record id a form posted (``"12"``), or 0 when it is not a number."""
    return int(value) if str(value or "").isdigit() else 0
