# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8866

.PHONY: run team lab test lint unit notebooks refresh-notebooks browser docs-screenshots wheel wheel-smoke bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/smskit serve --port=$(PORT)   # Voilà on 127.0.0.1, landing on start.ipynb

# A local team deployment to try out: JupyterHub (sign-in, roles, Voilà), the worker, the webhook
# app, the simulator, PostgreSQL when installed (else SQLite). See deploy/README.md.
node_modules/.package-lock.json: package.json
	npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error

team: $(STAMP) node_modules/.package-lock.json
	$(BIN)/python deploy/team.py

# JupyterLab on the notebooks, with this project's kernel (the .venv's ipykernel), for analysts.
# (Jupyter refuses to run as root without --allow-root: containers and CI machines often are.)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 \
		$(if $(filter 0,$(shell id -u)),--allow-root,)

# Tests never touch a real account or a team database, and leave no simulator running for long.
TEST_ENV := env -u SMSKIT_DATABASE_URL -u TWILIO_ACCOUNT_SID -u TWILIO_AUTH_TOKEN \
	-u TWILIO_API_KEY -u TWILIO_API_SECRET SMSKIT_SIMULATOR_IDLE=120 SMSKIT_LANG=en

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

unit: $(STAMP)
	$(TEST_ENV) $(BIN)/pytest --doctest-modules smskit tests -m "not browser"

notebooks: $(STAMP)
	$(TEST_ENV) SMSKIT_HOME=$$(mktemp -d) $(BIN)/pytest --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		-p no:cacheprovider notebooks/*.ipynb

# Re-run every notebook in place after changing what it shows (outputs are committed, widget state is not).
refresh-notebooks: $(STAMP)
	$(TEST_ENV) SMSKIT_HOME=$$(mktemp -d) $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.store_widget_state=False notebooks/*.ipynb

# The team Hub tests need the proxy from npm (.ci/run installs Node; they fail in CI without it).
browser: $(STAMP) $(if $(shell command -v npm),node_modules/.package-lock.json)
	$(TEST_ENV) $(BIN)/pytest tests/browser -m browser

# The README's layout gallery: every dashboard at 1366 and 800 px, English and Indonesian.
docs-screenshots: $(STAMP)
	$(TEST_ENV) SMSKIT_DOCS_SCREENSHOTS=1 $(BIN)/pytest tests/browser/test_layout.py -m browser

test: lint unit notebooks browser wheel-smoke

# The wheel and sdist, as a user gets them: built, checked for stray files, installed into a fresh
# venv outside the checkout and exercised from another folder (tests/wheel/smoke.py).
wheel: $(STAMP)
	rm -rf dist && $(BIN)/python -m build --quiet --outdir dist . >/dev/null
	$(BIN)/python tests/wheel/check_contents.py dist

wheel-smoke: wheel
	$(TEST_ENV) bash tests/wheel/smoke.sh $(PYTHON)

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules .team .pytest_cache .mypy_cache .ruff_cache screenshots dist build
