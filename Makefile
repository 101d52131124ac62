# GRNUlar executable paper. The two commands of the README:
#   make book   - create .venv if needed, execute every notebook (PROFILE=quick by default) and build the book
#   make test   - create .venv if needed and run the test suite
SHELL := /bin/bash
.DELETE_ON_ERROR:
.PHONY: venv test browser book notebooks notebook clean

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PROFILE ?= quick
STAMP := $(VENV)/.installed

venv: $(STAMP)

# Exact pins from requirements.lock; the package itself in editable mode without resolving again. The chapters' kernel
# logs errors only: papermill cannot ask for an encrypted or IPC channel, so ipykernel would print a warning about
# plain TCP on the terminal at every chapter (the notebooks never see it).
$(STAMP): requirements.lock pyproject.toml
	test -x $(VENV)/bin/pip || $(PYTHON) -m venv --clear $(VENV)  # again after a half-made one (no ensurepip)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	$(PY) -c 'import sys; from ipykernel.kernelspec import write_kernel_spec; from jupyter_client.kernelspec import \
	  KernelSpecManager; KernelSpecManager().install_kernel_spec(str(write_kernel_spec(python_arguments=[\
	  "-Xfrozen_modules=off"], extra_arguments=["--IPKernelApp.log_level=ERROR"])), "python3", prefix=sys.prefix)'
	touch $(STAMP)

# Chromium first: installed here when we are root on Debian/Ubuntu, otherwise make stops at once with the command.
test: browser $(STAMP)
	$(PY) -m pytest -q

browser:
	@bash .ci/ensure-chromium

# ---- The book ---------------------------------------------------------------------------------------------------
# make book [PROFILE=quick|smoke|paper]  converts every chapter source notebooks/NN_name.py (jupytext percent format)
# to a notebook, executes it with papermill into book/notebooks/NN_name.ipynb, then builds the HTML offline into
# book/_build/html with warnings as errors. A chapter re-executes when its source, its book module
# notebooks/bookkit/chNN_name.py, a shared book module, the library (grnular_lib/, its shipped checkpoints included:
# the executed outputs must be the library's as it is now) or the profile file changes; changing PROFILE re-executes
# everything (stamp book/notebooks/.profile-<profile>). Each execution appends "chapter<TAB>profile<TAB>seconds" to
# book/notebooks/timings.tsv, which the runtimes chapter reads; the runtimes chapter executes last.
# make notebook NB=02_clean PARAMS="-p n_test_graphs 10"  executes one chapter (PROFILE applies too).
# Adding a chapter: see notebooks/README.md.
NB_SOURCES := $(sort $(wildcard notebooks/[0-9][0-9]_*.py))
NB_EXECUTED := $(patsubst notebooks/%.py,book/notebooks/%.ipynb,$(NB_SOURCES))
NB_RUNTIMES := $(filter %_runtimes.ipynb,$(NB_EXECUTED))
BOOKKIT_SHARED := $(filter-out notebooks/bookkit/ch%,$(wildcard notebooks/bookkit/*.py))
LIBRARY := $(shell find grnular_lib -name '*.py' -o -name '*.pt' | sort)
JUPYTEXT := $(VENV)/bin/jupytext
# Local Dask worker processes for the chapters' heavy loops (one per core, at most 4; WORKERS=1: serial).
# (nproc would follow OMP_NUM_THREADS; the cores this process may use are what counts.)
WORKERS ?= $(shell $(PYTHON) -c 'import os; a = getattr(os, "sched_getaffinity", None); print(min(4, len(a(0)) if a else os.cpu_count() or 1))' 2>/dev/null || echo 1)
PAPERMILL := GRNULAR_BOOK_WORKERS=$(WORKERS) $(VENV)/bin/papermill -k python3 --cwd notebooks --no-progress-bar
PROFILE_STAMP := book/notebooks/.profile-$(PROFILE)
TIMINGS := book/notebooks/timings.tsv
BOOK_PAGES := _config.yml book/_toc.yml book/intro.md book/differences.md book/references.md book/references.bib

# run_chapter(source .py, output .ipynb, extra papermill options): convert (into build/chapters/, outside the book's
# sources), execute (into build/chapters/executed-*, moved into the book only when every cell ran: a failed run
# leaves the book's copy as it was, and its notebook with the error in build/chapters/), append the seconds to
# $(TIMINGS).
define run_chapter
	@mkdir -p build/chapters book/notebooks
	t0=$$(date +%s) && $(JUPYTEXT) --quiet --to ipynb --output build/chapters/$(notdir $(2)) $(1) \
	&& { $(PAPERMILL) -p profile $(PROFILE) $(3) build/chapters/$(notdir $(2)) build/chapters/executed-$(notdir $(2)) \
	     || { echo "$(notdir $(basename $(1))) failed: $(2) is kept as it was; the failed run is build/chapters/executed-$(notdir $(2))"; exit 1; }; } \
	&& mv build/chapters/executed-$(notdir $(2)) $(2) \
	&& printf '%s\t%s\t%s\n' $(notdir $(basename $(1))) $(PROFILE)$(if $(strip $(3)),+params,) $$(( $$(date +%s) - t0 )) >> $(TIMINGS)
endef

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

.SECONDEXPANSION:
book/notebooks/%.ipynb: notebooks/%.py $$(wildcard notebooks/bookkit/ch$$*.py) $(BOOKKIT_SHARED) $(LIBRARY) \
		notebooks/params/$(PROFILE).yaml $(PROFILE_STAMP) $(STAMP)
	$(call run_chapter,$<,$@,)

# The runtimes chapter reports the measured time of the others, so it runs after them.
$(NB_RUNTIMES): | $(filter-out $(NB_RUNTIMES),$(NB_EXECUTED))

book/data_provenance.md: book/make_provenance.py $(wildcard data_manifests/*.yaml) $(STAMP)
	$(PY) book/make_provenance.py $@

# NB may be given as a file name (02_clean.py, notebooks/02_clean.py); the run's notebook is dated back so that the
# next `make book` executes the chapter again with the profile's own values (it holds a teacher's run until then).
NB_NAME = $(basename $(notdir $(NB)))
notebook: $(STAMP)
	@test -n "$(NB)" || { echo 'say which notebook: make notebook NB=02_clean [PARAMS="-p name value"]'; exit 2; }
	@test "$(words $(NB))" = 1 || { echo "one chapter at a time: make notebook NB=02_clean (not NB=\"$(NB)\")"; exit 2; }
	@test -f notebooks/$(NB_NAME).py || { echo "no chapter notebooks/$(NB_NAME).py; choose one of: $(notdir $(basename $(NB_SOURCES)))"; exit 2; }
	@cd notebooks && ../$(PY) check_params.py $(NB_NAME) $(PROFILE) $(PARAMS)
	$(call run_chapter,notebooks/$(NB_NAME).py,book/notebooks/$(NB_NAME).ipynb,$(PARAMS))
	@touch -d @0 book/notebooks/$(NB_NAME).ipynb
	@echo "executed into book/notebooks/$(NB_NAME).ipynb; \`make book\` executes it again with its profile's values"

clean:
	rm -rf book/_build book/notebooks book/data_provenance.md build/chapters
