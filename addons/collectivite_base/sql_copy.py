"""Columns of integers sent to PostgreSQL in ``COPY``'s binary format.

Tens of thousands of rows a statement cost the server more to parse as text
(array literals, ``VALUES``) than to store: in the binary format of ``COPY``
they are read as they are, and numpy lays them out in one pass, without a
Python object per value. Every row has the same layout, so a missing value is
not a ``NULL`` (whose field has no data) but ``COPY_NULL``, turned back into
``NULL`` by the statement reading the rows (``NULLIF(column, COPY_NULL)``).
"""

import numpy as np

# The smallest bigint: no instant, id nor code takes it.
COPY_NULL = int(np.iinfo(np.int64).min)
KINDS = {"int4": np.dtype(">i4"), "int8": np.dtype(">i8")}
# the signature, no flags, no header extension; the end of the rows
HEADER = b"PGCOPY\n\xff\r\n\x00" + np.array([0, 0], dtype=">i4").tobytes()
TRAILER = np.array([-1], dtype=">i2").tobytes()


def copy_binary(columns):
    """The data of ``COPY ... FROM STDIN WITH (FORMAT binary)`` for the
    aligned ``columns``, pairs ``(values, kind)`` with ``kind`` ``"int4"`` or
    ``"int8"`` as the table's columns, in their order; ``None`` becomes
    ``COPY_NULL`` (an ``int8`` column's only)."""
    count = len(columns[0][0])
    layout = [("fields", ">i2")]
    for index, (_values, kind) in enumerate(columns):
        layout += [(f"size_{index}", ">i4"), (f"value_{index}", KINDS[kind])]
    rows = np.empty(count, dtype=np.dtype(layout))
    rows["fields"] = len(columns)
    for index, (values, kind) in enumerate(columns):
        rows[f"size_{index}"] = KINDS[kind].itemsize
        if kind == "int8":
            values = [COPY_NULL if value is None else value for value in values]
        rows[f"value_{index}"] = values
    return HEADER + rows.tobytes() + TRAILER
