# Ventanilla: two commands, `make run` and `make test`; both set up the virtualenv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck workflows validate bench load clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)  ## start the whole local stack on 127.0.0.1 and print its URL
	$(BIN)/python -m infra.local

test: $(STAMP) lint  ## lint, then every test tier
	$(BIN)/python -m chalicelib.procedures.cli check workflows
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

workflows: $(STAMP)  ## recompile workflows/*.json into their committed .asl.json
	$(BIN)/python -m chalicelib.procedures.cli build workflows

validate: $(STAMP)  ## make validate FILE=my-procedure.json
	$(BIN)/python -m chalicelib.procedures.cli validate $(FILE)

load: $(STAMP)  ## N citizens at once against the local stack (default 200): make load N=50
	$(BIN)/python -m bench.load $(if $(N),--citizens $(N))

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
