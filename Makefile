# Two commands do everything: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install lint bench clean

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)
	# The CPU build of torch lies on disk; installing it first stops pip from pulling a CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/legends index
	$(VENV)/bin/legends search "how have companies handled a lost item?" -k 3

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(PY) bench/bench_index.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
