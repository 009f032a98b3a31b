# plandocs — one target per phase of the year. `make all` sets up and builds the example.
# Paths may contain spaces: every one is quoted in the recipes.
# Windows (make from Git for Windows or MSYS2) calls its Python `python`.
PYTHON  ?= $(if $(filter Windows_NT,$(OS)),python,python3)
VENV    := .venv
# A venv made by Windows' Python keeps its programs in Scripts\, elsewhere in bin/.
BIN     := $(VENV)/$(if $(filter Windows_NT,$(OS)),Scripts,bin)
PLANDOCS = "$(BIN)/plandocs"
EXAMPLE ?= data/jiaozuo2016
OUT     ?= out
STAMP   := $(VENV)/.installed
# The versions the test suite was run with; `make setup` installs exactly these.
CONSTRAINTS := constraints.txt

.PHONY: all setup phase1 phase2 phase3 pdf preview bench check test typecheck templates schema returns clean

all: phase1 phase2 phase3

# The virtual environment is rebuilt whenever pyproject.toml or the constraints change.
$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	"$(BIN)/python" -m pip install --quiet --upgrade pip
	"$(BIN)/python" -m pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

check: setup
	$(PLANDOCS) check --data "$(EXAMPLE)"

# Phase 1 (May): the plan with its ledger, each unit's 实施方案, the ledger workbooks.
phase1: check
	$(PLANDOCS) plan --data "$(EXAMPLE)" --out "$(OUT)"

# Phase 2 (June-November): collect the returned ledgers, then the phase summaries.
# `collect` exits 2 while a rejected return awaits its correction: the summaries are
# still written from what was accepted, and make says so instead of stopping.
RETURNS ?= $(EXAMPLE)/returns
phase2: phase1
	@status=0; $(PLANDOCS) collect "$(RETURNS)" --data "$(EXAMPLE)" --out "$(OUT)" || status=$$?; \
	if [ $$status -eq 2 ]; then \
	  echo "注意：collect 退出码为 2：有台账被退回（见上面的说明和 $(OUT)/台账汇总/退回/）；继续写出阶段总结，只依据已通过的台账。"; \
	elif [ $$status -ne 0 ]; then exit $$status; fi
	$(PLANDOCS) summary --phase 1 --data "$(EXAMPLE)" --out "$(OUT)"
	$(PLANDOCS) summary --phase 2 --data "$(EXAMPLE)" --out "$(OUT)"

# Phase 3 (December): nominations checked against the year's ledger results, their forms,
# the summary list and the cover report; then the year-end summary.
phase3: phase2
	$(PLANDOCS) nominate --forms --data "$(EXAMPLE)" --out "$(OUT)"
	$(PLANDOCS) nominate --data "$(EXAMPLE)" --out "$(OUT)"
	$(PLANDOCS) summary --phase 3 --data "$(EXAMPLE)" --out "$(OUT)"

# PDFs of every generated document, beside them (needs LibreOffice and the CJK fonts).
pdf: all
	$(PLANDOCS) pdf "$(OUT)"

# A PNG of the first page of each document kind, in $(OUT)/预览/.
preview: all
	"$(BIN)/python" tools/preview.py "$(OUT)"

typecheck: setup
	"$(BIN)/mypy"

test: setup
	"$(BIN)/ruff" check generator tests tools bench
	"$(BIN)/ruff" format --check generator tests tools bench
	"$(BIN)/mypy"
	"$(BIN)/pytest" -q

# Rebuild the bundled templates and JSON Schemas from their generator scripts.
templates: setup
	"$(BIN)/python" tools/make_templates.py
	"$(BIN)/python" tools/make_xlsx_template.py

# Rebuild the example's returned ledgers after changing the example plan
# (what each unit writes is the example's scenario in tools/returns_scenarios.py).
returns: setup
	"$(BIN)/python" tools/make_example_returns.py "$(EXAMPLE)"

schema: setup
	$(PLANDOCS) schema --out data/schema

clean:
	rm -rf "$(OUT)" $(VENV) .pytest_cache .ruff_cache .mypy_cache build dist
