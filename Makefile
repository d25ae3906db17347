# Conecta TT: `make run` serves the site with demo data, `make test` runs every check.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
export COMMUNITY_CONFIG ?= development

.PHONY: run test lint translations translations-compile translations-check db-check pytest bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed-app translations-compile
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-dev lint translations-compile translations-check db-check pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

translations-compile: $(VENV)/.installed-app
	$(BIN)/pybabel -q compile -d translations

# Fails on any string of the code that is missing, untranslated or fuzzy in es or pt.
translations-check: $(VENV)/.installed-dev
	$(BIN)/python scripts/check_translations.py

# Extract the strings of the code and merge them into the es and pt catalogs, then compile.
translations: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -c "i18n:" --add-location=file --no-wrap \
		--project "Conecta TT" --copyright-holder "Conecta TT" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete
	$(BIN)/pybabel -q compile -d translations

# The models must match the migrations: upgrade an empty database, then ask Alembic for differences.
db-check: $(VENV)/.installed-dev
	@tmp=$$(mktemp -d) && \
	DATABASE_URL=sqlite:///$$tmp/check.db $(FLASK) db upgrade >/dev/null 2>&1 && \
	DATABASE_URL=sqlite:///$$tmp/check.db $(FLASK) db check; status=$$?; rm -rf $$tmp; exit $$status

# The page audit's tools (vnu-jar ships the Nu Html Checker; its own install script, which fetches a
# Java runtime, is not needed: Debian's Java runs it).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set. Two workers (one per
# core; each file, or each test class, stays on one worker, and each worker has its own PostgreSQL
# database; the page audit is two classes, so its halves run side by side). With both passes
# the page audit shares its languages out between them (Spanish on SQLite, Portuguese and English on
# PostgreSQL): every page is still audited in every language, once.
PYTEST_ARGS ?= -n 2 --dist loadscope
pytest: $(VENV)/.installed-dev translations-compile node_modules/.installed
	@if [ -z "$$TEST_DATABASE_URL" ]; then $(BIN)/pytest $(PYTEST_ARGS); else \
		env -u TEST_DATABASE_URL AUDIT_LANGUAGES=es $(BIN)/pytest $(PYTEST_ARGS) && \
		echo "== again on PostgreSQL ==" && AUDIT_LANGUAGES=pt,en $(BIN)/pytest $(PYTEST_ARGS); fi

# The site under gunicorn and wrk on generated data (10,000 members, 200,000 posts), on SQLite and on
# PostgreSQL (BENCH_POSTGRES_URL, default: the local server's conecta_bench database, recreated).
# Results: benchmarks/results/ and the README. BENCH_ARGS="--database sqlite --seconds 5" narrows it.
bench: $(VENV)/.installed-dev translations-compile
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Debian packages the browser tests, the page audit, the translation checks and the benchmark's load tool
# (wrk) use; run as root, as CI does.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache translations/*/LC_MESSAGES/*.mo
