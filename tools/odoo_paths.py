"""Print the addons path of this machine's Odoo 18.0 installation, or stop.

Used by the Makefile: exits with status 2 and one line naming the missing
prerequisite when Odoo 18.0 is not importable as ``odoo``.
"""

import os
import site
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    try:
        import odoo
        import odoo.release
    except ImportError:
        sys.exit(
            "Prerequisite missing: Odoo 18.0 Community is not importable as `odoo` "
            "by %s (see README, 'Prerequisites')." % sys.executable
        )
    if odoo.release.version_info[0] != 18:
        sys.exit(
            "Prerequisite missing: Odoo 18.0 Community is required, found Odoo %s."
            % odoo.release.version
        )
    odoo_dir = os.path.dirname(os.path.abspath(odoo.__file__))
    candidates = [
        os.path.join(os.path.dirname(odoo_dir), "addons"),
        os.path.join(odoo_dir, "addons"),
    ]
    candidates += [os.path.join(p, "odoo", "addons") for p in site.getsitepackages()]
    candidates.append(os.path.join(HERE, "addons"))
    paths = []
    for path in candidates:
        if os.path.isdir(path) and path not in paths:
            paths.append(path)
    print(",".join(paths))


if __name__ == "__main__":
    main()
