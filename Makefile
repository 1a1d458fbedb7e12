# labkit — the front door.  `make site` builds the course, `make test` checks everything.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The second environment: the newest releases labkit admits here, without DGL (requirements-latest.txt).
LATEST := .venv-latest
LATEST_PY := $(LATEST)/bin/python
LATEST_STAMP := $(LATEST)/.installed
SPHINX := $(PY) -m sphinx
SPHINXOPTS ?= -W --keep-going
# SOLUTIONS=show builds the teacher's edition (solutions open, reference solutions of the coding exercises) in
# _build/teacher, apart from the students' site in _build/html.
SOLUTIONS ?= hide
ifeq ($(SOLUTIONS),show)
HTML := _build/teacher
DOCTREES := _build/doctrees/teacher-
LATEX := _build/latex-teacher
else
HTML := _build/html
DOCTREES := _build/doctrees/
LATEX := _build/latex
endif
PORT ?= 8000
# The course's environment has one source, build.env (threads, seeds, backends), read here and by
# docs/_ext/build_env.py for conf.py, conftest.py and reproduce.py: the same settings with or without make.
include build.env
export $(shell sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' build.env)
# The site build must never fetch anything (offline.env: any HTTP(S) request goes to a closed port).
OFFLINE := $(shell grep -v '^\#' offline.env)

.PHONY: site html-en html-fr pdf pdf-en pdf-fr print-texlive serve test test-latest po lock doctest report clean help bench \
	unit site-tests browser-tests site-checks timed-site timed-scripts latest-unit latest-scripts site-built

help:
	@echo "make site    build the English and French course in _build/html, each with its PDF (creates .venv first)"
	@echo "make pdf     the PDFs, labkit-en.pdf and labkit-fr.pdf, after the pages they are made from (XeLaTeX, from"
	@echo "             Debian's texlive: make -s print-texlive lists its packages, .ci/run installs them)"
	@echo "make site SOLUTIONS=show   the teacher's edition, solutions shown, in _build/teacher"
	@echo "make serve   serve _build/html on http://127.0.0.1:$(PORT)"
	@echo "make test    unit tests and doctests in .venv and .venv-latest side by side, both site builds, then"
	@echo "             the browser, the other site checks and the downloaded scripts (in .venv-latest) side by"
	@echo "             side; last, alone, the examples that time code"
	@echo "make site-tests  every test of the built site in .venv (all but the downloaded scripts')"
	@echo "make test-latest  only that second environment's part (needs a built site)"
	@echo "make doctest doctests of labkit and of the pages"
	@echo "make bench   labkit against torch.autograd, DGL and PyG: one table of ratios, medians and spreads"
	@echo "make report  copy the last build's time and memory report into README.md"
	@echo "make po      refresh the French catalogs in locales/fr after changing English text"
	@echo "make lock    regenerate requirements.lock from pyproject.toml (needs network)"

# The site's environment, from the lock file alone (torch 2.2.1 and DGL 2.1.0, the labkit[dgl] extra). DGL has
# wheels for CPython 3.10-3.12 only: say so in one sentence instead of letting pip fail with a resolver traceback.
$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; v = sys.version_info; ok = (3, 10) <= v[:2] <= (3, 12); \
	ok or print(f"The site is built with DGL 2.1.0, which needs Python 3.10, 3.11 or 3.12 (it has no wheel for Python {v.major}.{v.minor}): run make again with PYTHON=python3.12 or another supported interpreter. labkit itself runs on your Python: see the how-to page."); \
	sys.exit(0 if ok else 1)'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@# labkit itself, editable (the checkout's labkit/ is what runs), built offline by the locked setuptools.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --no-index --editable .
	touch $@

# The newest releases, as a student installs them today: the time it takes goes to _build/logs/latest-env.time.
$(LATEST_STAMP): requirements-latest.txt
	@mkdir -p _build/logs
	@start=$$(date +%s); \
	rm -rf $(LATEST) && $(PYTHON) -m venv $(LATEST) && \
	$(LATEST_PY) -m pip install --quiet --disable-pip-version-check -r requirements-latest.txt && \
	echo "[latest] environment created in $$(( $$(date +%s) - start )) s" | tee _build/logs/latest-env.time
	touch $@

site: html-en html-fr pdf-en pdf-fr
	cp docs/_root/index.html $(HTML)/index.html
	@$(PY) docs/_ext/build_report.py docs/auto_examples _build/logs
	@echo
	@echo "The course is built: open _build/html/index.html (or run 'make serve')."

# English first: it executes the gallery and the pages.  The French build reuses both (the gallery
# skips examples whose md5 is unchanged; myst-nb reads the shared jupyter cache) and executes nothing.
html-en html-fr: html-%: $(STAMP)
	@mkdir -p _build/logs
	@start=$$(date +%s); \
	$(OFFLINE) $(SPHINX) -b html -c . -d $(DOCTREES)$* -D language=$* -D labkit_solutions=$(SOLUTIONS) \
	  $(SPHINXOPTS) -w _build/logs/$*.log docs $(HTML)/$* 2>&1 | tee _build/logs/$*.out; \
	echo "[$*] site built in $$(( $$(date +%s) - start )) s" | tee _build/logs/$*.time

html-fr: html-en

# The PDF of a language, from its site's environment (the pages read and executed once, its figures in its language),
# by XeLaTeX; copied beside the site's pages, which link it. Its build time and size go to _build/logs/pdf-<lang>.time.
TEXLIVE := texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended texlive-lang-french \
	latexmk fonts-freefont-otf fonts-dejavu-core tex-gyre lmodern poppler-utils
pdf: pdf-en pdf-fr
# One Sphinx build at a time, even with make -j: they share the executed gallery (docs/auto_examples).
pdf-en: html-fr
pdf-fr: pdf-en
print-texlive:
	@echo $(TEXLIVE)
pdf-en pdf-fr: pdf-%: html-%
	@command -v latexmk >/dev/null && command -v xelatex >/dev/null || \
	  { echo "The PDF is built by XeLaTeX: apt-get install $(TEXLIVE) (.ci/run does it)"; exit 1; }
	@start=$$(date +%s); \
	$(OFFLINE) $(SPHINX) -b latex -c . -d $(DOCTREES)$* -D language=$* -D labkit_solutions=$(SOLUTIONS) \
	  $(SPHINXOPTS) -w _build/logs/pdf-$*.log docs $(LATEX)/$* 2>&1 | tee _build/logs/pdf-$*.out; \
	(cd $(LATEX)/$* && LATEXOPTS="-interaction=nonstopmode -halt-on-error" latexmk -pdf -dvi- -ps- labkit-$*.tex) \
	  > _build/logs/pdf-$*.latex 2>&1 || { tail -40 _build/logs/pdf-$*.latex; exit 1; }; \
	cp $(LATEX)/$*/labkit-$*.pdf $(HTML)/$*/labkit-$*.pdf; \
	echo "[pdf-$*] $(HTML)/$*/labkit-$*.pdf built in $$(( $$(date +%s) - start )) s, \
	  $$(stat -c %s $(LATEX)/$*/labkit-$*.pdf) bytes" | tee _build/logs/pdf-$*.time

serve:
	@test -f _build/html/index.html || { echo "No site yet: run 'make site' first."; exit 1; }
	@echo "Serving the course on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PY) -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

# $(call timed,STEP,COMMAND): run COMMAND, say how long it took and the processor time it used (bash's times: the
# user and system time of the recipe's children) in _build/logs/STEP.time, keep its exit status.
# (times writes to a file: in a pipe or $(...), it would run in a subshell, which has no children yet.)  COMMAND
# must hold no comma: $(call) would split it there.
timed = mkdir -p _build/logs; start=$$(date +%s); status=0; $(2) || status=$$?; times > _build/logs/$(1).cpu; \
	echo "[$(1)] done in $$(( $$(date +%s) - start )) s, processor time (user, system) \
	  $$(sed -n 2p _build/logs/$(1).cpu)" > _build/logs/$(1).time; rm -f _build/logs/$(1).cpu; exit $$status

# Every test, whatever fails first: the exit status is non-zero if any step failed.  Two steps at a time, one per
# core (each step's output printed whole when it ends): the unit tests of both environments; then the browser beside
# the other site checks, the downloaded scripts taking the second core when those end.  Last, alone, the checks that
# time code (the examples that check what they measured): beside another step, one of them failed.
STEP_TIMES := _build/logs/{unit,latest-unit,en,fr,pdf-en,pdf-fr,browser-tests,site-checks,latest-scripts,timed-site,timed-scripts}.time
# Steps side by side share the two cores: OpenMP's threads (torch's, two a process) that wait for work sleep instead of
# spinning. Spinning, they took the other step's core: the two unit steps took 106 s each side by side, 55 s without.
# Not for the site build nor the timed checks: alone on the machine, they run as a reader's machine runs them.
SHARED_CORES := OMP_WAIT_POLICY=PASSIVE
test: $(STAMP) $(LATEST_STAMP)
	@status=0; start=$$(date +%s); \
	rm -f $(STEP_TIMES) _build/logs/student-scripts.json; \
	$(MAKE) --no-print-directory $(LATEST_LABKIT) || status=1; \
	$(SHARED_CORES) $(MAKE) --no-print-directory -j2 -k --output-sync=target unit latest-unit || status=1; \
	$(MAKE) --no-print-directory site || status=1; \
	$(SHARED_CORES) $(MAKE) --no-print-directory -j2 -k --output-sync=target browser-tests site-checks latest-scripts \
	  SCRIPTS="student and not timed" || status=1; \
	$(MAKE) --no-print-directory -k timed-site timed-scripts || status=1; \
	mkdir -p _build/logs; cat $(STEP_TIMES) 2>/dev/null || true; \
	echo "[test] done in $$(( $$(date +%s) - start )) s" | tee _build/logs/test.time; \
	exit $$status

# The unit tests and doctests of the locked environment; the tests of the built site (links, translations, browser),
# all of them, or (make test) in three parts: in the browser, the others but the timed ones, the timed ones.
unit: $(STAMP)
	@$(call timed,unit,$(PY) -m pytest -m "not site" tests labkit docs)

# axe-core, the accessibility checker the browser test runs in each page, from the npm registry into the environment
# (a new environment fetches it again); the test injects the file: the pages run it offline.
AXE_VERSION := 4.14.1
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
$(AXE): $(STAMP)
	npm install --prefix $(VENV)/axe --no-audit --no-fund --no-save --loglevel=error axe-core@$(AXE_VERSION)
	@test -f $@ && touch $@

site-tests: $(STAMP) $(AXE)
	@$(call timed,site-tests,$(PY) -m pytest -m "site and not student" tests)

browser-tests: $(STAMP) $(AXE)
	@$(call timed,browser-tests,$(PY) -m pytest -m "site and browser and not student and not timed" tests)

site-checks: $(STAMP)
	@$(call timed,site-checks,$(PY) -m pytest -m "site and not student and not browser and not timed" tests)

# What times code, in the site's environment (DGL) and in the newest releases' (the downloaded scripts).
timed-site: $(STAMP) site-built
	@$(call timed,timed-site,$(PY) -m pytest -m "site and timed and not student" tests)

timed-scripts: site-built $(LATEST_LABKIT)
	@$(call timed,timed-scripts,$(LATEST_PY) -m pytest -m "student and timed" tests)

# In the newest releases: labkit installed from its wheel (not the checkout; the build's labkit.egg-info, left in
# the checkout, would stand for the installed labkit in a test run from here: removed; make test installs it before
# its unit tests start), again when a file or folder of labkit changes; the unit tests and doctests with labkit's own
# DeprecationWarnings as errors, then every downloaded script of the built site, English and French, run from an
# empty folder as a student runs it.
LATEST_LABKIT := $(LATEST)/.labkit
$(LATEST_LABKIT): $(LATEST_STAMP) pyproject.toml README.md $(shell find labkit -not -path '*/__pycache__*' 2>/dev/null)
	status=0; $(LATEST_PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
	  --no-index --force-reinstall . || status=$$?; \
	rm -rf build labkit.egg-info; \
	test $$status = 0 && touch $@

# Both steps, whatever fails first.
test-latest: site-built
	@$(MAKE) --no-print-directory -k latest-unit latest-scripts

site-built:
	@test -d _build/html/fr || { echo "No site yet: run 'make site' first (the scripts are its downloads)."; exit 1; }

latest-unit: $(LATEST_LABKIT)
	@$(call timed,latest-unit,$(LATEST_PY) -m pytest -m "not site" -o 'filterwarnings=error::DeprecationWarning:labkit' \
	  tests labkit docs)

# Every downloaded script, or those SCRIPTS selects (make test: the untimed ones).
SCRIPTS := student
latest-scripts: site-built $(LATEST_LABKIT)
	@$(call timed,latest-scripts,$(LATEST_PY) -m pytest -m "$(SCRIPTS)" tests)

# labkit against its references (torch.autograd, DGL, PyG), interleaved rounds, one table of ratios (issue 19).
bench: $(STAMP)
	$(OFFLINE) $(PY) tools/bench.py

doctest: $(STAMP)
	$(PY) -m pytest labkit docs

# gettext extracts every translatable message; sphinx-intl merges it into locales/fr.  What the code draws
# and prints (every _() message of labkit, the examples and the pages' cells) goes to labkit/locales/fr.
po: $(STAMP)
	rm -rf _build/gettext
	$(SPHINX) -b gettext -c . -d _build/doctrees/gettext -q docs _build/gettext
	$(VENV)/bin/sphinx-intl update -p _build/gettext -l fr -d locales --no-obsolete -w 0
	@# A catalog whose page is gone would keep obsolete French alive: drop it.
	@cd locales/fr/LC_MESSAGES && find . -name '*.po' | while read -r po; do \
	  test -f "../../../_build/gettext/$${po%.po}.pot" || { echo "removing stale $$po"; rm "$$po"; }; done
	$(PY) docs/_ext/code_messages.py fr

lock:
	uv pip compile pyproject.toml --extra dgl --extra docs --extra test --extra build --universal --python-version 3.10 \
	  --generate-hashes -o requirements.lock

# Copy the last build's report (times and peak memory against the budget) into the README.
report:
	@test -f _build/logs/build-report.md || { echo "No build report yet: run 'make site' first."; exit 1; }
	$(PY) docs/_ext/build_report.py docs/auto_examples _build/logs README.md > /dev/null
	@echo "README.md: Build report section updated from the last build."

# Sphinx compiles each catalog beside its .po, in every subfolder of LC_MESSAGES (generated/, ...).
clean:
	rm -rf _build docs/auto_examples docs/generated
	find locales -name '*.mo' -delete
