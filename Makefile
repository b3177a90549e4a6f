# Passerelle: everyday commands. `make run` and `make test` work on a fresh clone.
#
# Every target that runs Python first makes sure `.venv` exists (with Python
# 3.11 or newer), that the package is installed in it, and that the message
# catalogues are compiled. Reinstalling only happens when pyproject.toml has
# changed, so repeated runs start at once.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# The interpreter used to create .venv; found automatically when left empty.
PYTHON ?=
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PYBABEL := $(VENV)/bin/pybabel

# Where `make run` serves the staff panel: http://127.0.0.1:$(PANEL_PORT)/
PANEL_PORT ?= 8000

# Extra arguments for pytest, e.g. `make test ARGS="tests/core -x"`.
ARGS ?=

I18N_EXTRACT := $(PYBABEL) extract -F babel.cfg --no-default-keywords -k t -k tn:1,2 \
	-c TRANSLATORS: --add-location=file --sort-by-file --project=Passerelle \
	--copyright-holder="Passerelle contributors" -o locales/messages.pot core flows bot admin
I18N_UPDATE := $(PYBABEL) update -i locales/messages.pot -d locales -D messages \
	--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
I18N_COMPILE := $(PYBABEL) compile -d locales -D messages

PO_FILES := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

# Every benchmark module: a file in bench/ that defines `main`, run as `python -m bench.NAME`.
BENCHMARKS := $(basename $(notdir $(shell grep -lE '^(async )?def main\b' bench/*.py 2>/dev/null)))

.PHONY: help run test lint bench i18n migration clean

help: ## List the commands
	@echo "Passerelle: make COMMAND"
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'

run: $(INSTALLED) $(MO_FILES) ## Migrate, seed the demo on first run, start the staff panel (and the bot with BOT_TOKEN)
	$(PY) -m bot migrate
	$(PY) -m bot seed-demo --if-empty
	$(PY) -m admin run --host 127.0.0.1 --port $(PANEL_PORT)

test: $(INSTALLED) $(MO_FILES) ## Run the whole test suite, PostgreSQL included
	$(PY) -m pytest $(ARGS)

lint: $(INSTALLED) ## ruff on everything, mypy --strict on core/ and flows/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy --strict core flows

bench: $(INSTALLED) $(MO_FILES) ## Run every benchmark in bench/
	@test -n "$(BENCHMARKS)" || { echo "no benchmark found in bench/" >&2; exit 1; }
	@for name in $(BENCHMARKS); do \
		echo "== bench.$$name"; \
		$(PY) -m bench.$$name; \
	done

i18n: $(INSTALLED) ## Extract messages, update every catalogue, compile them
	$(I18N_EXTRACT)
	$(I18N_UPDATE)
	$(PY) locales/sync_source.py
	$(I18N_COMPILE)

migration: $(INSTALLED) ## Generate a schema migration from the models: make migration m="what changes"
	@test -n "$(m)" || { echo 'usage: make migration m="what changes"' >&2; exit 2; }
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
		$(PY) -c "$$MIGRATION_SCRIPT" "sqlite+aiosqlite:///$$scratch/scratch.db" "$(m)"

clean: ## Remove .venv, compiled catalogues and caches (keeps the database in var/)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
	find locales -name '*.mo' -delete
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# --- bootstrap ---------------------------------------------------------------

$(PY):
	@python="$(PYTHON)"; \
	if [ -z "$$python" ]; then \
		for candidate in python3.13 python3.12 python3.11 python3; do \
			if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
				python="$$candidate"; break; \
			fi; \
		done; \
	fi; \
	if [ -z "$$python" ]; then \
		echo "Passerelle needs Python 3.11 or newer; none found (tried python3.13, python3.12, python3.11, python3)." >&2; \
		echo "Install one, or point to it: make PYTHON=/path/to/python3.11 ..." >&2; \
		exit 1; \
	fi; \
	if ! "$$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		echo "$$python is not Python 3.11 or newer." >&2; exit 1; \
	fi; \
	echo "Creating $(VENV) with $$("$$python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"; \
	if ! "$$python" -m venv $(VENV); then \
		rm -rf $(VENV); \
		echo "Could not create $(VENV). On Debian or Ubuntu, install the python3-venv package." >&2; \
		exit 1; \
	fi

$(INSTALLED): pyproject.toml | $(PY)
	@echo "Installing Passerelle and its dependencies into $(VENV)"
	$(PY) -m pip install --disable-pip-version-check --quiet -e '.[dev]'
	@touch $@

# A catalogue is compiled when its .mo is missing or older than its .po.
locales/%.mo: locales/%.po | $(INSTALLED)
	$(PYBABEL) compile --statistics -i $< -o $@

# `make migration`: bring a scratch SQLite database to head, autogenerate the
# next numbered revision from the models, and tidy it with ruff.
define MIGRATION_SCRIPT
import subprocess, sys
from alembic import command
from alembic.script import ScriptDirectory
from core.migrate import alembic_config

url, message = sys.argv[1], sys.argv[2]
config = alembic_config(url)
command.upgrade(config, "head")
number = len(list(ScriptDirectory.from_config(config).walk_revisions())) + 1
script = command.revision(config, message=message, autogenerate=True, rev_id=f"{number:04d}")
subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "--quiet", script.path], check=False)
subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", script.path], check=True)
print(f"New migration: {script.path}")
endef
export MIGRATION_SCRIPT
