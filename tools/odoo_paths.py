"""Print the addons path of this machine's Odoo 18.0 installation, or stop.

Used by the Makefile: exits with status 1 and one line naming the missing
prerequisite when Odoo 18.0 is not importable as ``odoo``. With ``--requirements``,
prints the path of Odoo's own requirements.txt instead (a source install has it), whose
pins ``make lock`` follows; with ``--tests a,b``, the ``tests`` folders of addons a and b
found on that addons path (``make guest``).
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
    if "--requirements" in sys.argv[1:]:
        requirements = os.path.join(os.path.dirname(odoo_dir), "requirements.txt")
        if not os.path.isfile(requirements):
            sys.exit(
                "Odoo's requirements.txt is not beside %s: `make lock` needs Odoo 18.0 "
                "installed from its source (see README, 'Prerequisites')." % odoo_dir
            )
        print(requirements)
        return
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
    if "--tests" in sys.argv[1:-1]:
        print(" ".join(_tests_folders(paths, sys.argv[sys.argv.index("--tests") + 1])))
        return
    print(",".join(paths))


def _tests_folders(paths, addons):
    """The ``tests`` folder of each addon of ``addons`` (comma-separated), first found."""
    folders = []
    for addon in filter(None, addons.split(",")):
        found = [
            os.path.join(path, addon, "tests")
            for path in paths
            if os.path.isfile(os.path.join(path, addon, "__manifest__.py"))
        ]
        if not found or not os.path.isdir(found[0]):
            sys.exit("Addon %s has no tests folder on the addons path %s." % (addon, paths))
        folders.append(found[0])
    return folders


if __name__ == "__main__":
    main()
