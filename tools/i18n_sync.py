"""Write each addon's ``i18n/fr.po`` from what Odoo exports on a database where the
suite is installed (with its demo data), keeping the French texts already written, so
that every term is translated at every place it is used.

usage: python3 tools/i18n_sync.py DATABASE [addon ...]

It prints the entries left without a French text (``msgstr ""``): translate those whose
source is English, and give those written in French (demo records, shipped content) their
own text as ``msgstr``; ``tests/test_repository.py`` refuses an empty one and
``collectivite_base``'s ``test_translations`` checks the references.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    database, *modules = sys.argv[1:]
    import odoo
    from odoo.modules.registry import Registry

    addons_path = subprocess.check_output(
        [sys.executable, os.path.join(HERE, "odoo_paths.py")], text=True
    ).strip()
    odoo.tools.config.parse_config(
        ["-c", os.path.join(ROOT, "odoo.conf"), "--addons-path", addons_path, "-d", database]
    )
    from odoo.addons.collectivite_base.tests.test_translations import SUITE
    from odoo.addons.collectivite_base.tests.translations import po_path, synced_po

    registry = Registry(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        for module in modules or SUITE:
            synced = synced_po(env, module)
            synced.save(po_path(module))
            untranslated = [entry.msgid for entry in synced if not entry.msgstr]
            print(f"{module}: {len(synced)} terms, {len(untranslated)} without a French text")
            for msgid in untranslated:
                print(f"    {msgid[:100]!r}")


if __name__ == "__main__":
    main()
