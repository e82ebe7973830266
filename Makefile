# JAQE backend. `make dev` runs the system locally; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 3000
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: dev test synth scan scanners scan-templates checkov cfn-lint lint format layer install clean bench fuzz site

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip uv 2>&1 | grep -v '^WARNING: Location' || true
	@# uv installs the same requirements as pip, in ~10 s instead of ~70 (CI's budget is 10 minutes).
	@$(PY) -m uv pip install -q --python $(PY) -e '.[dev]'
	@$(PY) -c "import aws_cdk, moto, aws_lambda_powertools, pytest" # fails loudly if the install did not
	@touch $@

install: $(VENV)/.installed

layer: install
	@PYTHON=$(PY) bash scripts/build-deps-layer.sh

synth: layer
	$(PY) -m infra.app
	@echo "cdk.out/ synthesised; cdk-nag AwsSolutions checks passed"

# Outside scanners on the synthesised templates (docs/scanners.md): checkov and cfn-lint, each in
# its own virtual environment (checkov pins an older boto3 than the project's), pinned, installed by
# uv (~10 s and ~5 s on a cold cache). Zero unacknowledged findings: checkov's skips are in the
# resources' metadata (infra/constructs/checkov.py), cfn-lint's ignored rules in .cfnlintrc.
CHECKOV_VERSION := 3.3.30
CFN_LINT_VERSION := 1.58.0

.venv-checkov/.installed-$(CHECKOV_VERSION): | install
	@rm -rf .venv-checkov && $(PY) -m uv venv -q --python $(PYTHON) .venv-checkov
	@$(PY) -m uv pip install -q --python .venv-checkov/bin/python checkov==$(CHECKOV_VERSION)
	@touch $@

.venv-cfnlint/.installed-$(CFN_LINT_VERSION): | install
	@rm -rf .venv-cfnlint && $(PY) -m uv venv -q --python $(PYTHON) .venv-cfnlint
	@$(PY) -m uv pip install -q --python .venv-cfnlint/bin/python cfn-lint==$(CFN_LINT_VERSION)
	@touch $@

scanners: .venv-checkov/.installed-$(CHECKOV_VERSION) .venv-cfnlint/.installed-$(CFN_LINT_VERSION)

scan: synth
	@$(MAKE) --no-print-directory scan-templates

# The templates as cdk.out holds them (CI: as the test run has just synthesised them), both scanners at once.
scan-templates: scanners
	@$(MAKE) --no-print-directory -j2 --output-sync=target checkov cfn-lint
	@echo "checkov and cfn-lint: no unacknowledged finding"

checkov:
	.venv-checkov/bin/checkov --framework cloudformation --skip-download --quiet --compact \
		$(foreach template,$(wildcard cdk.out/*.template.json),-f $(template))

cfn-lint:
	.venv-cfnlint/bin/cfn-lint cdk.out/*.template.json

# Tests run on every core (pytest-xdist, one local stack per worker, whole files per worker);
# the checks that read what every test logged run after them. Ends with the 15 slowest tests.
TEST_WORKERS ?= auto
# One name for both phases of a `make test` run: the second reuses the app the first synthesised.
TEST_RUN := $(shell date +%s%N)
test: layer
	$(PY) scripts/trace_commitments.py > .build/commitments-trace.txt || { cat .build/commitments-trace.txt; exit 1; }
	@tail -1 .build/commitments-trace.txt
	@rm -rf tests/artifacts
	JAQE_TEST_RUN=$(TEST_RUN) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not after_all" --junitxml=.build/tests.xml
	JAQE_TEST_RUN=$(TEST_RUN) $(PY) -m pytest -p no:xdist -m after_all --junitxml=.build/tests-after-all.xml
	@$(PY) scripts/test_report.py .build/tests.xml .build/tests-after-all.xml

# The site's pages (web/*.html): web/pages/ and the policy from the register (jaqe/privacy/policy.py), with web/partials/.
site: install
	$(PY) -m scripts.build_site

dev: synth site
	$(PY) -m jaqe_dev.server --port $(PORT)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy layers/jaqe/python/jaqe functions infra jaqe_dev jaqe_ops

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf cdk.out .build .pytest_cache .mypy_cache .ruff_cache .venv-checkov .venv-cfnlint

# Figures for the design's budgets (not in CI): bench/results.json and bench/results.md,
# then the cost model derived from them (docs/cost-model.md).
bench: synth
	$(PY) bench/run.py
	$(PY) bench/cost_model.py

# More generated cases per route (every route) than the CI run of tests/e2e/test_fuzz.py; prints each route's time.
fuzz: layer
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-1000} $(PY) -m pytest tests/e2e/test_fuzz.py -q -s
