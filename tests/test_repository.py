"""Cross-addon checks of the repository itself: the prerequisite check of the
README's commands, the lock of the Python requirements, and what every addon of the
suite must ship."""

import ast
import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys

import pytest
from packaging.utils import canonicalize_name

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS_DIR = os.path.join(ROOT, "addons")
ADDONS = sorted(
    name
    for name in os.listdir(ADDONS_DIR)
    if os.path.isfile(os.path.join(ADDONS_DIR, name, "__manifest__.py"))
)


@pytest.mark.parametrize("target", ["deps", "demo", "test", "guest", "lint", "bench", "lock"])
def test_make_stops_at_once_without_odoo(target):
    """Without Odoo importable, the README's commands stop with one line naming it."""
    # `python3 -S` does not load site-packages, where Odoo's editable install lives.
    result = subprocess.run(
        ["make", "-s", target, f"PYTHON={sys.executable} -S"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("Prerequisite")]
    assert lines and "Odoo 18.0 Community" in lines[0]
    assert "passed" not in result.stdout


def _lock_status():
    """tools/lock_status.py, the one reading of the lock that `make deps` uses too."""
    spec = importlib.util.spec_from_file_location(
        "lock_status", os.path.join(ROOT, "tools", "lock_status.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_installed_versions_are_the_locked_ones():
    """What runs is what constraints.txt locks: `make deps` installs through it, so a
    machine that kept other versions (holidays 0.109 where 0.86 is locked) fails here, and
    so does a requirement missing from the lock."""
    differing = _lock_status().differences()
    assert not differing, "run `make deps` (or `make lock`): %s" % differing


def test_lock_status_sees_a_different_version(monkeypatch):
    status = _lock_status()
    locked = status.locked()["holidays"]
    real_version = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda name: "0.0" if name == "holidays" else real_version(name),
    )
    assert status.differences() == {"holidays": "locked %s, installed 0.0" % locked}


def test_lock_follows_odoo_pins():
    """A package both need is locked at the version Odoo 18.0's requirements pin."""
    import odoo

    path = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "requirements.txt")
    # The lock is made against Odoo's own pins (make lock): they must be readable here.
    assert os.path.isfile(path), "Odoo 18's requirements.txt is needed beside its source: %s" % path
    status = _lock_status()
    locked = status.locked()
    shared = 0
    for requirement in status.requirements(path):
        name = canonicalize_name(requirement.name)
        if name not in locked or (requirement.marker and not requirement.marker.evaluate()):
            continue
        shared += 1
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            "constraints.txt locks %s %s, Odoo requires %s" % (name, locked[name], requirement)
        )
    assert shared, "python-dateutil (holidays) is pinned by Odoo and locked here"


def test_suite_has_its_addons():
    assert "collectivite_base" in ADDONS
    assert len(ADDONS) >= 2


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest(addon):
    with open(os.path.join(ADDONS_DIR, addon, "__manifest__.py"), encoding="utf-8") as handle:
        manifest = ast.literal_eval(handle.read())
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest["version"])
    assert manifest["license"] in ("AGPL-3", "LGPL-3")
    assert manifest["author"] == "collectivite-odoo"
    for key in ("name", "summary", "category", "website", "depends"):
        assert manifest.get(key), key
    if addon != "collectivite_base":
        assert "collectivite_base" in manifest["depends"] or any(
            dep in ADDONS for dep in manifest["depends"]
        ), "every addon builds on the suite's base addon"


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_ships_french_readme_and_tests(addon):
    path = os.path.join(ADDONS_DIR, addon)
    assert os.path.isfile(os.path.join(path, "readme", "DESCRIPTION.md"))
    assert any(
        name.startswith("test_") and name.endswith(".py")
        for name in os.listdir(os.path.join(path, "tests"))
    )
    po_path = os.path.join(path, "i18n", "fr.po")
    assert os.path.isfile(po_path), "users are French: i18n/fr.po is required"
    untranslated = _untranslated_entries(po_path)
    assert not untranslated, "untranslated in %s: %s" % (po_path, untranslated[:5])


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_tests_all_imported(addon):
    """Odoo's own test runner finds a test module only through the package's
    ``__init__``: every ``test_*.py`` of an addon is imported there."""
    folder = os.path.join(ADDONS_DIR, addon, "tests")
    with open(os.path.join(folder, "__init__.py"), encoding="utf-8") as init:
        tree = ast.parse(init.read())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    modules = {
        name[:-3]
        for name in os.listdir(folder)
        if name.startswith("test_") and name.endswith(".py")
    }
    assert not modules - imported, "not imported in tests/__init__.py: %s" % sorted(
        modules - imported
    )


def _untranslated_entries(po_path):
    """msgids of a .po file whose msgstr is empty (the header excepted)."""
    with open(po_path, encoding="utf-8") as handle:
        content = handle.read()
    missing = []
    for block in content.split("\n\n"):
        if "msgid" not in block or 'msgid ""\nmsgstr ""\n"' in block:
            continue
        match = re.search(r'msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block)
        if not match:
            continue
        msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
        msgstr = "".join(re.findall(r'"(.*)"', match.group(2)))
        if msgid and not msgstr:
            missing.append(msgid)
    return missing


def _readme_production_config():
    """The ``ini`` block of the README's "Deployment" section, parsed as Odoo parses it."""
    import configparser

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    section = readme.split("## Deployment", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```ini\n(.*?)```", section, re.S).group(1)
    parser = configparser.RawConfigParser()  # as odoo.tools.config reads its file
    parser.read_string(block)
    return dict(parser.items("options"))


def test_readme_production_configuration():
    """Prefork workers and a cron worker, behind a proxy, the bus port, limits, and the
    database manager closed; every key is one Odoo 18.0 knows."""
    from odoo.tools import config

    options = _readme_production_config()
    unknown = set(options) - set(config.options)
    assert not unknown, "not Odoo 18.0 options: %s" % unknown
    assert int(options["workers"]) >= 2
    assert int(options["max_cron_threads"]) >= 1
    assert options["proxy_mode"] == "True"
    assert int(options["gevent_port"]) != int(options["http_port"])
    assert options["list_db"] == "False"
    assert options["admin_passwd"] and options["admin_passwd"] != "admin"
    assert options["without_demo"] == "all"
    for limit in ("limit_memory_soft", "limit_memory_hard", "limit_time_cpu", "limit_time_real"):
        assert int(options[limit]) > 0, limit
    assert int(options["limit_memory_soft"]) < int(options["limit_memory_hard"])


def test_shipped_configuration_says_it_is_for_development():
    with open(os.path.join(ROOT, "odoo.conf"), encoding="utf-8") as handle:
        header = handle.read().split("[options]", 1)[0]
    assert "DEVELOPMENT" in header and "Deployment" in header


def test_guest_known_failures_are_well_formed():
    """Every line of tests/guest_known_failures.txt names one test and says why."""
    spec = importlib.util.spec_from_file_location(
        "odoo_test_selection", os.path.join(ROOT, "tools", "odoo_test_selection.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    known = module._known_failures(os.path.join(ROOT, "tests", "guest_known_failures.txt"))
    for _selector, strict, reason in known:
        kind, _sep, why = reason.partition(": ")
        assert strict == (kind == "deliberate") and why, reason
        assert kind in ("deliberate", "deliberate-subtest", "without-suite"), reason
