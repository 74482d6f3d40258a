# Ventanilla: two commands, `make run` and `make test`; both set up the virtualenv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# e.firma on AWS: EFIRMA_CA_BUNDLE=<PEM of the SAT's A.C. certificates> EFIRMA_OCSP_URL=<the SAT's OCSP responder>,
# both or neither (docs/deploy.md, "e.firma for operators")
EFIRMA := $(if $(EFIRMA_CA_BUNDLE),--efirma-ca-bundle "$(EFIRMA_CA_BUNDLE)") $(if $(EFIRMA_OCSP_URL),--efirma-ocsp-url "$(EFIRMA_OCSP_URL)")

.PHONY: run seed-scale test lint typecheck openapi workflows validate bench load screenshots clean template deploy deploy-plan destroy

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)  ## start the whole local stack on 127.0.0.1 and print its URL
	$(BIN)/python -m infra.local

seed-scale: $(STAMP)  ## make seed-scale PROCEDURES=5000 [APPLICATIONS=100000] [SEED=19]: the local stack with a national-scale synthetic catalogue and records (docs/scale.md)
	$(BIN)/python -m infra.local.scale --procedures $(or $(PROCEDURES),5000) --applications $(or $(APPLICATIONS),0) --seed $(or $(SEED),19)

test: $(STAMP) lint typecheck  ## lint, type-check, then every test tier
	$(BIN)/python -m chalicelib.procedures.cli check workflows
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)  ## mypy strict over app.py, chalicelib/ and infra/ (pyproject.toml)
	$(BIN)/mypy

openapi: $(STAMP)  ## regenerate chalicelib/api/openapi.json and the matrix in docs/authorisation.md from the route declarations, and the API's error sentences from web/i18n
	$(BIN)/python -m chalicelib.api.openapi
	$(BIN)/python -m chalicelib.api.messages

workflows: $(STAMP)  ## recompile workflows/*.json into their committed .asl.json
	$(BIN)/python -m chalicelib.procedures.cli build workflows

validate: $(STAMP)  ## make validate FILE=my-procedure.json
	$(BIN)/python -m chalicelib.procedures.cli validate $(FILE)

screenshots: $(STAMP)  ## the main pages at 360 and 1280 px, in screenshots/ (needs /usr/bin/chromium)
	$(BIN)/python -m tests.browser.screenshots --out screenshots

template: $(STAMP)  ## make template STAGE=prod [EFIRMA_CA_BUNDLE=... EFIRMA_OCSP_URL=...]: build/<stage>/sam.json, deployment.zip and efirma-layer.zip, offline, then cfn-lint
	$(BIN)/python -m infra.aws.template --stage $(or $(STAGE),prod) --out build/$(or $(STAGE),prod) --offline $(EFIRMA)
	$(BIN)/cfn-lint build/$(or $(STAGE),prod)/sam.json

deploy: $(STAMP)  ## make deploy STAGE=prod [ALERT_EMAIL=ops@example.gob.mx] [EFIRMA_CA_BUNDLE=... EFIRMA_OCSP_URL=...]: package, upload, deploy, publish web/, seed
	@test -n "$(STAGE)" || { echo "usage: make deploy STAGE=<stage> [ALERT_EMAIL=...] [EFIRMA_CA_BUNDLE=... EFIRMA_OCSP_URL=...]"; exit 2; }
	EFIRMA_CA_BUNDLE="$(EFIRMA_CA_BUNDLE)" EFIRMA_OCSP_URL="$(EFIRMA_OCSP_URL)" infra/aws/deploy.sh deploy $(STAGE) $(ALERT_EMAIL)

deploy-plan: $(STAMP)  ## make deploy-plan STAGE=prod [EFIRMA_CA_BUNDLE=... EFIRMA_OCSP_URL=...]: build and lint the template offline, print the AWS commands
	@test -n "$(STAGE)" || { echo "usage: make deploy-plan STAGE=<stage>"; exit 2; }
	DRY_RUN=1 EFIRMA_CA_BUNDLE="$(EFIRMA_CA_BUNDLE)" EFIRMA_OCSP_URL="$(EFIRMA_OCSP_URL)" infra/aws/deploy.sh deploy $(STAGE) $(ALERT_EMAIL)

destroy:  ## make destroy STAGE=prod: delete the stack (records, documents, keys and users are kept)
	@test -n "$(STAGE)" || { echo "usage: make destroy STAGE=<stage>"; exit 2; }
	infra/aws/deploy.sh destroy $(STAGE)

bench: $(STAMP)  ## measure on the embedded stack (127.0.0.1 only, < 5 min) and print the table
	$(BIN)/python -m bench

load: $(STAMP)  ## N citizens at once against the local stack (default 200): make load N=50
	$(BIN)/python -m bench.loadtest $(if $(N),--citizens $(N))

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
