# integraph: `make run` serves the Wetzlar data, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH ?= quick

.PHONY: run test bench lint venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/integraph import data/wetzlar
	$(BIN)/integraph serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --profile $(BENCH)

lint: $(STAMP)
	$(BIN)/ruff check graph api tests benchmarks
	$(BIN)/mypy graph api

clean:
	rm -rf $(VENV) var .pytest_cache
