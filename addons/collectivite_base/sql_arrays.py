"""PostgreSQL array literals for set-based statements over many rows.

psycopg2 sends a Python list as ``ARRAY['…'::timestamp, …]``: one cast per
element for the server to parse and plan, and as long to build. A batch of
tens of thousands of values is sent faster as one text literal
(``'{…}'``) cast once: ``unnest(%s::timestamp[])`` with ``pg_array(values)``.
"""

from datetime import date, datetime


def pg_array(values):
    """``values`` (ints, floats, naive datetimes, dates, strings, ``None``
    or falsy dates as NULL) as the text of a PostgreSQL array literal."""
    return "{" + ",".join(_element(value) for value in values) + "}"


def pg_plain_array(values):
    """``pg_array`` of values that need no quoting nor conversion (integers,
    plain words), ``None`` as NULL: without the per-element type dispatch,
    for hundreds of thousands of elements a statement."""
    return "{" + ",".join("NULL" if value is None else str(value) for value in values) + "}"


def _element(value):
    if value is None or value is False:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return f'"{value.isoformat(" ")}"'
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
