# Two commands for a newcomer on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SOLARA_TELEMETRY_MIXPANEL_ENABLE := False

.PHONY: run test bench clean

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
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## bench: every performance target (reference run, Mesa baseline, 1k-1M scaling, sweep, step) -> benchmarks/results.md
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache
