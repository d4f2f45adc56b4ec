# BWV coding workbench — the README's commands. Each target sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   ?= demo-project
PYTEST_ARGS ?=

.PHONY: study test lab bench lint install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

## make study: build the synthetic demo project and run the whole study pipeline
study: install
	$(BIN)/bwv demo $(DEMO)
	$(BIN)/bwv study run --project $(DEMO)

## make test: lint, then the full test suite (slow end-to-end tests included)
test: install lint
	$(BIN)/python -m pytest --durations=25 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check workbench widgets tests bench

## make lab: JupyterLab on copies of the coder and reviewer notebooks in the demo project
## (the tracked notebooks/ are templates: nothing tracked is ever modified)
lab: install
	@test -f $(DEMO)/bwv.yaml || $(BIN)/bwv demo $(DEMO)
	BWV_PROJECT=$(abspath $(DEMO)) BWV_CODER=$${BWV_CODER:-trainee} \
	  BWV_REVIEWER=$${BWV_REVIEWER:-r01} $(BIN)/python -m widgets.lab $(DEMO)

## make bench: the benchmarks, printing figures and the machine
bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/coding.py
	$(BIN)/python bench/concurrency.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/reliability.py
	$(BIN)/python bench/cli_start.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/panels.py
	$(BIN)/python bench/assist.py
	$(BIN)/python bench/study.py
	$(BIN)/python bench/disclosure.py

clean:
	rm -rf $(VENV) $(DEMO) outputs
