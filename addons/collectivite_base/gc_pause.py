"""The cyclic garbage collector paused for a batch.

A batch of tens of thousands of rows allocates as many tuples and lists, all
short-lived and freed by reference counting: each of the collector's passes
meanwhile scans every object of the process (an Odoo registry holds hundreds
of thousands), several full passes a batch (measured: a fifth of a deadline
recompute). Odoo's profiler pauses it the same way (``disable_gc``)."""

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector inside the block (a cycle made
    meanwhile is collected by the next pass after it)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
