# The two set-up commands of the README. Each creates the .venv it needs.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $(STAMP)

## Analyse the sample case and write its report to report-out/
demo: $(STAMP)
	scripts/system-deps.sh
	$(VENV)/bin/threadlens analyse sample_threads/pra-x-archive \
		--consent sample_threads/pra-x-archive/submission.toml --out report-out

## Run the test suite
test: $(STAMP)
	scripts/system-deps.sh --test
	$(VENV)/bin/python -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check threadlens tests benchmarks scripts conftest.py
	$(VENV)/bin/ruff format --check threadlens tests benchmarks scripts conftest.py
