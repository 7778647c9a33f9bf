# Batchivo developer commands. `make run` starts everything; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export PATH := $(HOME)/.local/bin:$(PATH)

SERVICES := auth inventory catalog production webhooks
ADMIN_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/batchivo
UV := uv
RUN := $(UV) run --no-sync

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

.PHONY: uv
uv: ## Install uv when it is missing
	@command -v uv >/dev/null || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

.PHONY: install
install: uv ## Install every Python dependency from the lockfile
	$(UV) sync --frozen --all-packages

.PHONY: services
services: ## Start local PostgreSQL, RabbitMQ and Redis when they are down
	bash scripts/dev_services.sh

# Every process requires BATCHIVO_ENV (it never guesses); the developer targets run as dev unless told.
migrate topology run: export BATCHIVO_ENV ?= dev

.PHONY: db-bootstrap
db-bootstrap: ## Create the dev database, the service schemas and their roles (as the superuser)
	$(RUN) python -m batchivo_common.db.bootstrap --create-database --admin-url $(ADMIN_DATABASE_URL) $(SERVICES)

.PHONY: migrate
migrate: ## Migrate every service schema to head
	@for svc in $(SERVICES); do echo "migrate $$svc"; $(RUN) alembic -c services/$$svc/alembic.ini upgrade head || exit 1; done

.PHONY: topology
topology: ## Declare exchanges, queues, retry queues and DLQs before any producer runs
	$(RUN) python -m batchivo_common.messaging.topology $(foreach svc,$(SERVICES),--spec batchivo_$(svc).events.subscriptions:SUBSCRIPTIONS)

# npm ci again only when the lockfile changed.
frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

.PHONY: frontend-deps
frontend-deps: frontend/node_modules/.installed ## Install the SPA's packages from its lockfile

.PHONY: frontend
frontend: frontend-deps ## Build the SPA (the gateway serves frontend/dist)
	cd frontend && npm run build

.PHONY: browser
browser: ## Install Debian's Chromium for the browser tests when it is missing
	bash scripts/install_browser.sh

.PHONY: api
api: install frontend-deps ## Regenerate the SPA's typed API clients from the services' OpenAPI
	cd frontend && node scripts/generate-api.mjs

.PHONY: dev
dev: frontend-deps ## Vite with hot reload on :5173, proxying /api to the gateway of `make run`
	cd frontend && npm run dev

.PHONY: run
run: install services db-bootstrap migrate topology frontend ## Install, migrate and start the whole system (gateway on :8000)
	$(RUN) honcho -f Procfile.dev start

.PHONY: test
test: install services frontend browser ## Run every test: Python (real PostgreSQL, RabbitMQ, Redis), SPA unit, browser e2e
	cd frontend && npm test
	$(RUN) pytest
	$(RUN) pytest -m browser tests/e2e

.PHONY: lint
lint: install frontend-deps ## ruff, mypy --strict, import-linter; tsc --strict and stale API clients
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy libs/batchivo-common/src $(foreach svc,$(SERVICES),services/$(svc)/src) gateway/src tools
	$(RUN) lint-imports
	cd frontend && npm run typecheck && node scripts/generate-api.mjs --check
	$(RUN) python -m tools.deploy_check

.PHONY: deploy-check
deploy-check: install ## Offline checks of the chart, compose files, Tiltfile, Dockerfiles and workflows (docs/deploy.md)
	$(RUN) python -m tools.deploy_check

.PHONY: chart-check
chart-check: install ## Lint, render and validate the Helm chart with every value set (charts/batchivo/ci/)
	$(RUN) python -m tools.deploy_check chart wiring

.PHONY: fmt
fmt: ## Format and fix what ruff can
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

.PHONY: bench
bench: ## Benchmarks (each starts its own processes on loopback; see bench/README.md)
	$(RUN) python bench/gateway_overhead.py
	$(RUN) python bench/inventory_api.py
	$(RUN) python bench/catalog_api.py
	$(RUN) python bench/production_complete.py
	$(RUN) python bench/frontend.py
