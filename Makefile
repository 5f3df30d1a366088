# collectivite-odoo: the README's commands. Odoo 18.0 Community is a prerequisite,
# never installed by this file: every target first checks that it is importable.
SHELL := /bin/bash
PYTHON ?= python3
DB_DEMO ?= collectivite_demo
DB_TEST ?= collectivite_test
DB_BENCH ?= collectivite_bench
DB_GUEST ?= collectivite_guest
HTTP_PORT ?= 8069
TEST_HTTP_PORT ?= 8079
GUEST_HTTP_PORT ?= $(TEST_HTTP_PORT)
# Every addon of the suite (a folder of addons/ with a manifest).
ADDONS := $(shell for d in addons/*/__manifest__.py; do basename $$(dirname $$d); done | paste -sd, -)
ODOO = $(PYTHON) -c 'import sys, odoo.cli; sys.argv[0] = "odoo"; odoo.cli.main()'
ADDONS_PATH = $$($(PYTHON) tools/odoo_paths.py)

# `make guest`: the tests of the addons the suite extends, run on a database where every
# addon of the suite is installed, selected as Odoo's runner selects them (standard tests,
# tools/odoo_test_selection.py). OCA helpdesk_mgmt's TestHelpdesMgmtJs is left out: it runs
# the whole web JavaScript suite (over 9 minutes). Tests failing because of a deliberate
# change of the suite are listed with the reason in tests/guest_known_failures.txt.
GUEST_MODULES ?= helpdesk_mgmt,portal,auth_signup,resource,auth_ldap,mail
GUEST_INSTALL ?= $(ADDONS)
GUEST_TAGS ?= standard,-/helpdesk_mgmt:TestHelpdesMgmtJs

.PHONY: help check-odoo deps lock demo test guest lint bench

help:
	@echo "make demo   - set up, create/update the demo database $(DB_DEMO) and serve it on http://localhost:$(HTTP_PORT)"
	@echo "make test   - fresh database $(DB_TEST), every addon's tests and tests/ through pytest"
	@echo "make guest  - fresh database $(DB_GUEST) with every addon, the tests of $(GUEST_MODULES)"
	@echo "make lint   - pre-commit (ruff, pylint-odoo)"
	@echo "make bench  - data generators and timed scenarios on $(DB_BENCH)"
	@echo "make deps   - Python requirements through the lock constraints.txt, Debian packages, PostgreSQL"
	@echo "make lock   - regenerate constraints.txt with pip-compile (after changing requirements.txt)"

check-odoo:
	@$(PYTHON) tools/odoo_paths.py >/dev/null

deps: check-odoo
	@PYTHON="$(PYTHON)" bash tools/setup_machine.sh

lock: check-odoo
	@PYTHON="$(PYTHON)" bash tools/lock.sh

demo: check-odoo deps
	@if psql -lqt | cut -d'|' -f1 | grep -qw $(DB_DEMO); then \
		echo "Updating $(DB_DEMO)..."; \
		$(ODOO) -c odoo.conf --addons-path=$(ADDONS_PATH) -d $(DB_DEMO) -u $(ADDONS) --stop-after-init --log-level=warn; \
	else \
		echo "Creating $(DB_DEMO) with $(ADDONS) and French demo data..."; \
		$(ODOO) -c odoo.conf --addons-path=$(ADDONS_PATH) -d $(DB_DEMO) -i $(ADDONS) --load-language=fr_FR --stop-after-init --log-level=warn; \
	fi
	@bash tools/demo_logins.sh $(HTTP_PORT) $(DB_DEMO)
	$(ODOO) -c odoo.conf --addons-path=$(ADDONS_PATH) -d $(DB_DEMO) --db-filter='^$(DB_DEMO)$$' --http-port=$(HTTP_PORT)

test: check-odoo deps
	@dropdb --if-exists $(DB_TEST)
	@echo "Installing $(ADDONS) on a fresh $(DB_TEST)..."
	@$(ODOO) -c odoo.conf --addons-path=$(ADDONS_PATH) -d $(DB_TEST) -i $(ADDONS) --load-language=fr_FR --stop-after-init --log-level=warn
	@sed 's/^http_port = .*/http_port = $(TEST_HTTP_PORT)/' odoo.conf > /tmp/$(DB_TEST)-odoo.conf
	$(PYTHON) -m pytest -p no:cacheprovider --odoo-config=/tmp/$(DB_TEST)-odoo.conf \
		--odoo-database=$(DB_TEST) --odoo-addons-path=$(ADDONS_PATH) --odoo-http \
		addons/*/tests tests

guest: check-odoo deps
	@dropdb --if-exists $(DB_GUEST)
	@echo "Installing $(GUEST_INSTALL) on a fresh $(DB_GUEST)..."
	@$(ODOO) -c odoo.conf --addons-path=$(ADDONS_PATH) -d $(DB_GUEST) -i $(GUEST_INSTALL) --stop-after-init --log-level=warn
	@sed 's/^http_port = .*/http_port = $(GUEST_HTTP_PORT)/' odoo.conf > /tmp/$(DB_GUEST)-odoo.conf
	PYTHONPATH=tools$${PYTHONPATH:+:$$PYTHONPATH} $(PYTHON) -m pytest -p no:cacheprovider -p odoo_test_selection \
		--odoo-config=/tmp/$(DB_GUEST)-odoo.conf --odoo-database=$(DB_GUEST) \
		--odoo-addons-path=$(ADDONS_PATH) --odoo-http --odoo-test-tags='$(GUEST_TAGS)' \
		--odoo-known-failures=tests/guest_known_failures.txt \
		$$($(PYTHON) tools/odoo_paths.py --tests $(GUEST_MODULES))

lint: deps
	@pre-commit run --all-files --show-diff-on-failure

# Locust drives Odoo over HTTP from a virtualenv of its own (pinned versions).
BENCH_VENV := bench/.venv
$(BENCH_VENV)/bin/locust: bench/requirements-load.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q -r bench/requirements-load.txt
	@touch $@

bench: check-odoo deps $(BENCH_VENV)/bin/locust
	$(PYTHON) bench/run.py --database $(DB_BENCH) --addons $(ADDONS) $(BENCH_ARGS)
