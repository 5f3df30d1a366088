"""Cross-addon checks of the repository itself: the prerequisite check of the
README's commands, and what every addon of the suite must ship."""

import ast
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS_DIR = os.path.join(ROOT, "addons")
ADDONS = sorted(
    name
    for name in os.listdir(ADDONS_DIR)
    if os.path.isfile(os.path.join(ADDONS_DIR, name, "__manifest__.py"))
)


@pytest.mark.parametrize("target", ["demo", "test", "bench"])
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
