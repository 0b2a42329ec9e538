# The two commands: `make run` (JobScout on its embedded default) and `make test` (the suite).
# Both install what they need first: Debian packages, a virtualenv, the locked Python packages.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := redis-server chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup lock check

run: setup
	$(BIN)/jobscout run

test: setup check
	$(BIN)/pytest

check: setup
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@missing=""; for bin in $(SYSTEM_PACKAGES); do command -v $$bin >/dev/null || missing="$$missing $$bin"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "JobScout needs Python 3.11"'
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.13.8
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# Re-lock after changing dependencies: names, versions and hashes only.
# Two locks: everything for development and tests (what `make` installs), and the runtime alone
# for the production image (no test tools, no GPL embedded database).
lock:
	$(BIN)/uv pip compile pyproject.toml --extra embedded --extra dev --generate-hashes \
	  --python-version 3.11 --no-header --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml -c requirements.lock --generate-hashes \
	  --python-version 3.11 --no-header --quiet -o docker/requirements-runtime.lock
