# plandocs — one target per phase of the year. `make all` sets up and builds the example.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
EXAMPLE ?= data/jiaozuo2016
OUT     ?= out
STAMP   := $(VENV)/.installed

.PHONY: all setup phase1 phase2 phase3 pdf preview bench check test templates schema returns clean

all: phase1 phase2 phase3

# The virtual environment is rebuilt whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

check: setup
	$(BIN)/plandocs check --data $(EXAMPLE)

# Phase 1 (May): the plan with its ledger, each unit's 实施方案, the ledger workbooks.
phase1: check
	$(BIN)/plandocs plan --data $(EXAMPLE) --out $(OUT)

# Phase 2 (June-November): collect the returned ledgers, then the phase summaries.
# `collect` exits 2 while a rejected return awaits its correction; the example has none.
RETURNS ?= $(EXAMPLE)/returns
phase2: phase1
	$(BIN)/plandocs collect $(RETURNS) --data $(EXAMPLE) --out $(OUT)
	$(BIN)/plandocs summary --phase 1 --data $(EXAMPLE) --out $(OUT)
	$(BIN)/plandocs summary --phase 2 --data $(EXAMPLE) --out $(OUT)

# Phase 3 (December): nominations checked against the year's ledger results, their forms,
# the summary list and the cover report; then the year-end summary.
phase3: phase2
	$(BIN)/plandocs nominate --forms --data $(EXAMPLE) --out $(OUT)
	$(BIN)/plandocs nominate --data $(EXAMPLE) --out $(OUT)
	$(BIN)/plandocs summary --phase 3 --data $(EXAMPLE) --out $(OUT)

# PDFs of every generated document, beside them (needs LibreOffice and the CJK fonts).
pdf: all
	$(BIN)/plandocs pdf $(OUT)

# A PNG of the first page of each document kind, in $(OUT)/预览/.
preview: all
	$(BIN)/python tools/preview.py $(OUT)

test: setup
	$(BIN)/ruff check generator tests tools bench
	$(BIN)/ruff format --check generator tests tools bench
	$(BIN)/pytest -q

# Rebuild the bundled templates and JSON Schemas from their generator scripts.
templates: setup
	$(BIN)/python tools/make_templates.py
	$(BIN)/python tools/make_xlsx_template.py

# Rebuild the example's returned ledgers after changing the example plan
# (what each unit writes is the example's scenario in tools/returns_scenarios.py).
returns: setup
	$(BIN)/python tools/make_example_returns.py $(EXAMPLE)

schema: setup
	$(BIN)/plandocs schema --out data/schema

clean:
	rm -rf $(OUT) $(VENV) .pytest_cache .ruff_cache
