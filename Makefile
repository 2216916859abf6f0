# Two commands: `make book` builds the book, `make test` runs the tests. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
READY  := $(VENV)/.installed
LAB    := .venv-lab

.PHONY: book pdf test test-fast lint lab validate coverage check-html bench mutation lock clean

$(READY): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@

book: $(READY)
	$(PY) scripts/build_book.py -j $(JOBS)

# The PDF edition, printed from the built HTML by Debian's chromium; the HTML is then rebuilt so that the
# introduction links to it (a second `make pdf` with nothing changed leaves the HTML as it is).
pdf: $(READY)
	$(PY) scripts/build_book.py -j $(JOBS)
	$(PY) scripts/build_pdf.py
	$(PY) scripts/build_html.py

test: $(READY) $(LAB)/.installed
	$(PY) -m pytest

# The unit tests only: data, validation, analysis, tables, figures, chapters' sources (no book build, no
# browser); about 40 s on 2 cores (measured 2026-12-08). `make test` runs them too, with everything else.
FAST := analysis dates schema structure validate tables display hedges notebooks prose evidence bibliography \
	dataset figures reliability coverage
test-fast: $(READY)
	$(PY) -m pytest -p no:cacheprovider $(foreach t,$(FAST),tests/test_$(t).py)

# ruff (lint and format) and the file checks of .pre-commit-config.yaml, offline, on every tracked file.
lint: $(READY)
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

check-html: $(READY)
	$(PY) scripts/check_html.py

bench: $(READY)
	$(PY) scripts/bench.py

# A chapter's .md opens as a notebook (jupytext's viewer) on a double click.
LAB_SETTINGS := {"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook"}}}

# JupyterLab in an environment of its own (the build lock plus the lab lock), so the build never
# carries the lab's dependencies.
$(LAB)/.installed: requirements.lock requirements-lab.lock pyproject.toml
	$(PYTHON) -m venv $(LAB)
	$(LAB)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock -r requirements-lab.lock
	$(LAB)/bin/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	mkdir -p $(LAB)/share/jupyter/lab/settings
	echo '$(LAB_SETTINGS)' > $(LAB)/share/jupyter/lab/settings/overrides.json
	touch $@

lab: $(LAB)/.installed
	$(LAB)/bin/jupyter lab chapters/

validate: $(READY)
	$(PY) -m nkrussia.validate

coverage: $(READY)
	$(PY) -m nkrussia.coverage

# Renew both locks from their .in files: pinned, with hashes, no registry addresses.
COMPILE := $(PY) -m piptools compile --quiet --allow-unsafe --generate-hashes --no-emit-find-links \
	--no-emit-index-url --no-emit-trusted-host --strip-extras
lock: $(READY)
	$(COMPILE) --output-file=requirements.lock requirements.in
	$(COMPILE) --output-file=requirements-lab.lock requirements-lab.in

# Mutation testing (mutmut 3, configured in pyproject.toml) of the validator, the date logic and the
# analysis against the fast unit tests. CPU-heavy (about an hour); one module: make mutation MUTANTS='nkrussia.dates*'
MUTANTS ?= nkrussia.*
mutation: $(READY)
	NKRUSSIA_CORPUS=$${NKRUSSIA_CORPUS:-$(CURDIR)/../shared/corpus} nice $(VENV)/bin/mutmut run --max-children 2 "$(MUTANTS)"
	@$(VENV)/bin/mutmut results --all true | awk '{ split($$1, n, "."); m = n[1] "." n[2]; s = $$0; sub(/^[^:]*: /, "", s); \
	  if (s == "not checked") next; total[m]++; if (s == "killed" || s == "timeout") killed[m]++ } \
	  END { for (m in total) printf "%-20s %4d / %4d killed (%.0f %%)\n", m, killed[m], total[m], 100 * killed[m] / total[m] }'

clean:
	rm -rf _build mutants
