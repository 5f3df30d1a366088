"""The French files of the suite's addons against the terms Odoo exports (issue #11).

Odoo applies a translation of a view, a record or a piece of code only where the ``.po``
entry names it (its ``#:`` references): a term that is in ``fr.po`` for one view stays
English in another view that says the same words. ``french_gaps`` lists the terms an
addon exports (its code, views and records, demo data included) that its ``fr.po`` does
not cover at that place; ``synced_po`` gives the file that covers them all, keeping the
translations already written. ``tools/i18n_sync.py`` writes it, ``test_translations``
keeps it true.
"""

import io
import os

import polib

from odoo.modules.module import get_module_path
from odoo.tools.translate import trans_export

LANG = "fr_FR"


def po_path(module):
    return os.path.join(get_module_path(module), "i18n", "fr.po")


def exported_po(env, module):
    """What Odoo exports for ``module`` in French, as a ``polib`` file."""
    buffer = io.BytesIO()
    trans_export(LANG, [module], buffer, "po", env.cr)
    return polib.pofile(buffer.getvalue().decode())


def _key(entry):
    return entry.msgctxt, entry.msgid


def french_gaps(env, module):
    """``[(msgid, reference)]``: each term of ``module`` at a place its ``fr.po`` does not
    name, or named there without a French text while the export has one."""
    shipped = {_key(entry): entry for entry in polib.pofile(po_path(module)) if not entry.obsolete}
    gaps = []
    for entry in exported_po(env, module):
        mine = shipped.get(_key(entry))
        places = {reference for reference, _line in mine.occurrences} if mine else set()
        gaps.extend(
            (entry.msgid, reference)
            for reference, _line in entry.occurrences
            if reference not in places
        )
        if mine is not None and not mine.msgstr and entry.msgstr:
            gaps.append((entry.msgid, "no French text"))
    return gaps


def synced_po(env, module):
    """``module``'s ``fr.po`` with every exported term at every place it is used, each
    with the French text already written for it (kept when the export has none)."""
    shipped = polib.pofile(po_path(module))
    written = {_key(entry): entry.msgstr for entry in shipped if entry.msgstr}
    synced = exported_po(env, module)
    synced.metadata = shipped.metadata
    for entry in synced:
        entry.msgstr = written.get(_key(entry)) or entry.msgstr
    synced.wrapwidth = 78
    return synced
