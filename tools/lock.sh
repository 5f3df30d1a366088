#!/usr/bin/env bash
# Regenerates constraints.txt, the lock of exact versions of everything requirements.txt
# brings, with pip-tools' pip-compile (`make lock`; run it after changing requirements.txt).
#
# The lock must agree with the pins of Odoo 18.0's own requirements.txt, which the ERP
# administrator installed with Odoo: pip-compile reads them as constraints, so a package
# both need (python-dateutil) is locked at Odoo's version. Odoo itself is not on PyPI
# (the OCA wheels require `odoo==18.0.*`): pip-compile is shown a metadata-only stand-in
# for it, built here, and Odoo is left out of the lock.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PIP_TOOLS_VERSION=7.6.2

odoo_requirements=$($PYTHON tools/odoo_paths.py --requirements)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# pip-tools in a virtual environment of its own: nothing of it reaches Odoo's Python.
$PYTHON -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "pip-tools==$PIP_TOOLS_VERSION"

# The stand-in: a wheel `odoo 18.0` with metadata only, no code, no dependencies.
mkdir "$work/stand-in"
"$work/venv/bin/python" - "$work/stand-in" <<'PY'
import sys
import zipfile

info = "odoo-18.0.dist-info"
files = {
    f"{info}/METADATA": "Metadata-Version: 2.1\nName: odoo\nVersion: 18.0\n",
    f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: collectivite-odoo\n"
    "Root-Is-Purelib: true\nTag: py3-none-any\n",
}
files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in files) + f"{info}/RECORD,,\n"
with zipfile.ZipFile(f"{sys.argv[1]}/odoo-18.0-py3-none-any.whl", "w") as wheel:
    for name, text in files.items():
        wheel.writestr(name, text)
PY

# --unsafe-package replaces the default list: keep pip and setuptools out of the lock too
# (they belong to the Python installation), along with Odoo.
CUSTOM_COMPILE_COMMAND="make lock" "$work/venv/bin/pip-compile" --quiet --no-allow-unsafe \
    --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
    --unsafe-package odoo --unsafe-package pip --unsafe-package setuptools \
    --unsafe-package distribute \
    --find-links "$work/stand-in" --constraint "$odoo_requirements" \
    --output-file constraints.txt requirements.txt
# The path of Odoo's requirements differs between machines: name it generically.
sed -i "s|$odoo_requirements|<odoo>/requirements.txt|g" constraints.txt
echo "constraints.txt regenerated (Odoo's pins from $odoo_requirements)."
