#!/usr/bin/env bash
# Installs and starts what the suite needs around Odoo (which is a prerequisite):
# Python requirements, Debian packages, PostgreSQL running with a role for this user.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

# Python requirements at the exact versions of the lock constraints.txt (`make lock`), so
# that a machine which kept other versions gets the locked ones, as a fresh one does
# (quick when everything is already there).
log=$(mktemp)
if $PYTHON tools/lock_status.py >/dev/null 2>&1; then
    :  # every locked version already installed
elif ! $PYTHON -m pip install -q --disable-pip-version-check -r requirements.txt \
        -c constraints.txt >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "Could not install requirements.txt through constraints.txt (log above)." >&2
    exit 1
fi
rm -f "$log"
if ! differing=$($PYTHON tools/lock_status.py); then
    echo "After pip, installed versions still differ from constraints.txt: $differing" >&2
    exit 1
fi
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true

# Debian packages: PDF rendering (and pdftotext for the letter tests), browser tours, LDAP tests.
packages=(wkhtmltopdf poppler-utils chromium slapd ldap-utils postgresql-15 fonts-dejavu-core)
missing=()
for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The system slapd is not used: tests start their own on a loopback port.

# axe-core for the portal accessibility tests (collectivite_base/tests/accessibility.py), at the
# version of tools/accessibility/package-lock.json (npm ci; quick when already there).
if ! command -v npm >/dev/null 2>&1; then
    echo "Installing Debian package: npm"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
fi
axe_version() {
    $PYTHON -c 'import json, sys; data = json.load(open(sys.argv[1])); print(data.get("packages", {}).get("node_modules/axe-core", data).get("version", ""))' "$1" 2>/dev/null || true
}
if [ "$(axe_version tools/accessibility/node_modules/axe-core/package.json)" != \
        "$(axe_version tools/accessibility/package-lock.json)" ]; then
    npm ci --prefix tools/accessibility --no-audit --no-fund --loglevel=error
fi

# PostgreSQL 15, with a superuser role for the current user.
if ! pg_lsclusters -h 2>/dev/null | grep -q "^15 *main.*online"; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO pg_ctlcluster 15 main start
fi
if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
    su postgres -c "createuser -s $(id -un)" 2>/dev/null || sudo -u postgres createuser -s "$(id -un)"
fi
