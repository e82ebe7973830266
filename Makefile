# JAQE backend. `make dev` runs the system locally; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 3000
# The pinned Node LTS and CDK CLI (package.json, `npm ci`) come first for everything make runs:
# jsii (the Python CDK app, the tests) and `cdk`. A supported Node prints no end-of-life box, and
# nothing silences jsii's warnings, so the day this Node reaches its end of life is seen.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
UV_VERSION := 0.13.9

.PHONY: dev test synth deploy bootstrap lock scan scanners scan-templates checkov cfn-lint lint format layer install node clean bench fuzz site data-map

# npm (any version) is needed once, to install the pinned Node and CDK CLI into node_modules.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required once, to install the pinned Node and CDK CLI (package.json)"; exit 1; }
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node: node_modules/.installed

$(VENV)/bin/uv:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip uv==$(UV_VERSION) 2>&1 | grep -v '^WARNING: Location' || true

# The locked versions (requirements/dev.lock, hashes checked), then the project itself, editable.
$(VENV)/.installed: pyproject.toml requirements/dev.lock | $(VENV)/bin/uv
	@# uv installs the same requirements as pip, in ~10 s instead of ~70 (CI's budget is 10 minutes).
	@$(PY) -m uv pip install -q --python $(PY) --require-hashes -r requirements/dev.lock
	@$(PY) -m uv pip install -q --python $(PY) --no-deps -e .
	@$(PY) -c "import aws_cdk, moto, aws_lambda_powertools, pytest" # fails loudly if the install did not
	@touch $@

install: $(VENV)/.installed node

# Regenerates both lock files from pyproject.toml (keeping every version that still fits;
# `make lock LOCK_FLAGS=--upgrade` takes the newest): the dev install for any platform, and the
# Lambda layer for the functions' architecture and Python (infra/lambda_target.py), without
# boto3 and the packages only it needs, which the Lambda runtime provides.
LAYER_PROVIDED_BY_RUNTIME := boto3 botocore s3transfer urllib3
lock: $(VENV)/bin/uv
	$(PY) -m uv pip compile -q $(LOCK_FLAGS) --universal --generate-hashes --extra dev pyproject.toml -o requirements/dev.lock
	read -r python_version wheel_platform < <($(PY) -m infra.lambda_target) && \
	$(PY) -m uv pip compile -q $(LOCK_FLAGS) --generate-hashes --only-binary :all: \
		--python-version $$python_version --python-platform $$wheel_platform \
		$(foreach package,$(LAYER_PROVIDED_BY_RUNTIME),--no-emit-package $(package)) \
		pyproject.toml -o requirements/layer.lock

layer: install
	@PYTHON=$(PY) bash scripts/build-deps-layer.sh

synth: layer
	$(PY) -m infra.app
	@echo "cdk.out/ synthesised; cdk-nag AwsSolutions checks passed"

# Both stacks, with the pinned CLI (cdk.json runs the app): JaqeMain in the main region, then
# JaqeInbound in the SES receiving region. Settings as CDK context, e.g.
# `make deploy CDK_ARGS="-c account=123456789012 -c domain_name=api.jaqe.fr -c hosted_zone_id=Z123"`.
CDK := npx --no-install cdk
CDK_ARGS ?=
bootstrap: layer
	$(CDK) bootstrap $(CDK_ARGS)

deploy: bootstrap
	$(CDK) deploy --all $(CDK_ARGS)

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
# The checks that read what the whole run logged: collecting only their files saves the phase ~10 s.
AFTER_ALL_TESTS = $(shell grep -rl --include='*.py' 'mark.after_all' tests)
test: layer
	$(PY) scripts/trace_commitments.py > .build/commitments-trace.txt || { cat .build/commitments-trace.txt; exit 1; }
	@tail -1 .build/commitments-trace.txt
	@rm -rf tests/artifacts
	JAQE_TEST_RUN=$(TEST_RUN) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not after_all" --junitxml=.build/tests.xml
	JAQE_TEST_RUN=$(TEST_RUN) $(PY) -m pytest -p no:xdist -m after_all --junitxml=.build/tests-after-all.xml $(AFTER_ALL_TESTS)
	@$(PY) scripts/test_report.py .build/tests.xml .build/tests-after-all.xml

# The site's pages (web/*.html): web/pages/ and the policy from the register (jaqe/privacy/policy.py), with web/partials/.
site: install
	$(PY) -m scripts.build_site

# docs/data-map.md from the register and the inventory (tests/unit/test_data_map.py fails when it is stale).
data-map: install
	$(PY) -m jaqe.privacy.data_map > docs/data-map.md

# The first run installs, builds the layer and synthesises (about 2 minutes): each step says so.
# DEMO=1 seeds a demo (leads, rights requests overdue and due soon, an incident) over the seed.
dev:
	@echo "make dev [1/3]: Python environment and Lambda dependency layer (first run: about a minute)"
	@$(MAKE) --no-print-directory layer
	@echo "make dev [2/3]: synthesising the CDK app into cdk.out/ (cdk-nag checks; about a minute)"
	@$(MAKE) --no-print-directory synth
	@echo "make dev [3/3]: the site's pages (web/)"
	@$(MAKE) --no-print-directory site
	$(PY) -m jaqe_dev.server --port $(PORT) --run-due-jobs --state-file $(if $(DEMO),--demo)

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
