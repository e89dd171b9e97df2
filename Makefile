# The README's commands. `make demo` and `make test` work on a fresh machine with
# Python 3.11+: they create .venv, install the CPU build of torch first (override with
# TORCH_SPEC, e.g. TORCH_SPEC=torch for your platform's default build), then the package.
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-floor lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/forecast train sample_data/airpassengers.csv -o air.fcst
	$(BIN)/forecast predict -m air.fcst --format table

test: $(STAMP)
	$(BIN)/python -m pytest --cov=forecast_cli --cov-report=term:skip-covered

# The suite on the oldest pandas and numpy pyproject.toml allows (statsforecast, for one,
# pins pandas below 3, so its users run us on pandas 2). Not in CI: a second environment.
FLOOR ?= .venv-floor
FLOOR_PINS ?= pandas==2.2.3 numpy==1.26.4
test-floor:
	$(PYTHON) -m venv $(FLOOR)
	$(FLOOR)/bin/pip install --quiet --upgrade pip
	$(FLOOR)/bin/pip install --quiet "$(TORCH_SPEC)" $(FLOOR_PINS)
	$(FLOOR)/bin/pip install --quiet -e ".[dev]" $(FLOOR_PINS)
	$(FLOOR)/bin/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check forecast_cli tests benchmarks
	$(BIN)/ruff format --check forecast_cli tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(FLOOR) .pytest_cache .ruff_cache .mypy_cache .coverage *.fcst
