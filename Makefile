# GRNUlar executable paper. The two commands of the README:
#   make book   - create .venv if needed, execute every notebook (PROFILE=quick by default) and build the book
#   make test   - create .venv if needed and run the test suite
SHELL := /bin/bash
.DELETE_ON_ERROR:
.PHONY: venv test book notebooks notebook clean

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PROFILE ?= quick
STAMP := $(VENV)/.installed

venv: $(STAMP)

# Exact pins from requirements.lock; the package itself in editable mode without resolving again.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf book/_build book/notebooks
