# Two commands for a newcomer on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SOLARA_TELEMETRY_MIXPANEL_ENABLE := False

.PHONY: run test bench clean dashboard browser

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

## run: create .venv, install, run the reference scenario (extra Hydra overrides via ARGS="...")
run: $(VENV)/.installed
	$(BIN)/python -m experiments.run $(ARGS)

## test: install what the tests need and run them all
test: $(VENV)/.installed-test $(VENV)/.assets browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## bench: every performance target (reference run, Mesa baseline, 1k-1M scaling, sweep, step) -> benchmarks/results.md
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run

# The dashboard's browser assets, put into Solara's local cache from the npm registry (no CDN at run time).
$(VENV)/.assets: $(VENV)/.installed dashboards/offline_assets.py
	$(BIN)/python -m dashboards.offline_assets
	touch $@

# Browser tests drive Debian's chromium; install it when missing and we may (root, e.g. CI).
browser:
	@test -x /usr/bin/chromium || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq chromium; } \
		|| { echo "chromium is missing: apt-get install chromium" >&2; exit 1; }

## dashboard: serve the trainer dashboard on 127.0.0.1 (HOST=0.0.0.0 PORT=8765 to change); prints the URL
dashboard: $(VENV)/.installed $(VENV)/.assets
	$(BIN)/python -m dashboards.serve $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache

# CI also tests on Python 3.12 (with the newest Mesa, 3.5): python3.12 on the PATH, else pyenv's newest 3.12.
PYTHON312 ?= $(shell for p in python3.12 $$(ls -d $$HOME/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null \
	| sort -V | tail -1); do $$p -c '' 2>/dev/null && echo $$p && break; done)
VENV312 ?= .venv312
.PHONY: test-py312 python312

## test-py312: the same suite on Python 3.12 in .venv312 (CI runs `make test` and then this)
test-py312:
	@test -n "$(PYTHON312)" || { echo "error: python3.12 not found (PATH or pyenv)" >&2; exit 1; }
	$(MAKE) test PYTHON=$(PYTHON312) VENV=$(VENV312)

python312:
	@echo $(PYTHON312)
