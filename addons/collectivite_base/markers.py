"""Markers the server sets for itself around a call, out of any client's reach.

A client chooses the context of every RPC call and of every record it gets
back, so ``env.context`` never carries a security decision. A marker set with
``server_marks`` lives in a ``contextvars.ContextVar``: only code running in
this process, inside the ``with`` block, sees it; nothing a request sends can
set it. Example::

    from odoo.addons.collectivite_base.markers import is_marked, server_marks

    with server_marks("sla_internal"):
        tickets.write(values)  # the ticket's write sees is_marked("sla_internal")
"""

import contextlib
import contextvars
import functools

_MARKS = contextvars.ContextVar("collectivite_server_marks", default=frozenset())


@contextlib.contextmanager
def server_marks(*names):
    """Set the markers ``names`` for the duration of the block."""
    token = _MARKS.set(_MARKS.get() | frozenset(names))
    try:
        yield
    finally:
        _MARKS.reset(token)


def is_marked(name):
    """Whether the server has set the marker ``name`` around the current call."""
    return name in _MARKS.get()


def marked(*names):
    """Decorator: run the method with the markers ``names`` set."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            with server_marks(*names):
                return method(*args, **kwargs)

        return wrapper

    return decorator
