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

# ---- The book ---------------------------------------------------------------------------------------------------
# make book [PROFILE=quick|smoke|paper]  executes every notebook with papermill into book/notebooks/, then builds the
# HTML offline into book/_build/html with warnings as errors. The profile is part of the executed notebook's path
# stamp (book/notebooks/.profile), so changing PROFILE re-executes everything.
# make notebook NB=02_clean PARAMS="-p n_test_graphs 10"  executes one chapter (PROFILE applies too).
NB_SOURCES := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NB_EXECUTED := $(patsubst notebooks/%,book/notebooks/%,$(NB_SOURCES))
PAPERMILL := $(VENV)/bin/papermill -k python3 --cwd notebooks --no-progress-bar
PROFILE_STAMP := book/notebooks/.profile-$(PROFILE)
BOOK_PAGES := _config.yml book/_toc.yml book/intro.md book/differences.md book/references.md book/references.bib

book: book/_build/html/index.html

book/_build/html/index.html: $(STAMP) $(NB_EXECUTED) book/data_provenance.md $(BOOK_PAGES)
	rm -rf book/_build
	$(VENV)/bin/jupyter-book build book --config _config.yml --toc $(CURDIR)/book/_toc.yml --path-output book -W --quiet
	@echo "The book is in book/_build/html/index.html"

notebooks: $(NB_EXECUTED)

$(PROFILE_STAMP):
	mkdir -p book/notebooks
	rm -f book/notebooks/.profile-*
	touch $@

book/notebooks/%.ipynb: notebooks/%.ipynb notebooks/params/$(PROFILE).yaml $(PROFILE_STAMP) $(STAMP)
	$(PAPERMILL) -p profile $(PROFILE) $< $@

book/data_provenance.md: book/make_provenance.py $(wildcard data_manifests/*.yaml) $(STAMP)
	$(PY) book/make_provenance.py $@

notebook: $(STAMP)
	@test -n "$(NB)" || { echo 'say which notebook: make notebook NB=02_clean [PARAMS="-p name value"]'; exit 2; }
	@test -f notebooks/$(NB).ipynb || { echo "no notebook notebooks/$(NB).ipynb; choose one of: $(notdir $(basename $(NB_SOURCES)))"; exit 2; }
	mkdir -p book/notebooks
	$(PAPERMILL) -p profile $(PROFILE) $(PARAMS) notebooks/$(NB).ipynb book/notebooks/$(NB).ipynb

clean:
	rm -rf book/_build book/notebooks book/data_provenance.md
