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

## bench: time the reference scenario (median of several runs)
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.reference

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
