# ActiveLab. Run `make` for the list of targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

GO      ?= go
BIN     := bin/activelab
FUZZTIME ?= 10s

.PHONY: help run build frontend test test-go test-web fuzz bench generate verify clean

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

frontend: ## Build the web app into frontend/dist (without npm: warn, and the binary serves a placeholder page)
	@if ! command -v npm >/dev/null; then echo "frontend: npm not found (install Node 20+): the binary will serve a placeholder page instead of the app" >&2; \
	else npm ci --no-audit --no-fund && npm run build --workspace frontend; fi

build: frontend ## Build bin/activelab (and the web app)
	$(GO) build -o $(BIN) ./cmd/activelab

run: build ## Build and serve http://localhost:8080 on the embedded SQLite database ./data/activelab.db
	./$(BIN) serve

test: test-go fuzz test-python test-web ## Run every test: Go (race detector) on SQLite and PostgreSQL, fuzz smoke runs, the Python client against a live server, the web app (unit and in Chromium)

test-web: frontend ## Test the web app: unit tests (vitest), then end to end in Chromium against a demo server
	@if command -v npm >/dev/null; then npm test --workspace frontend; \
	else echo "test-web: SKIPPED, npm not found: the web app was not tested" >&2; [ "$$ACTIVELAB_REQUIRE_BROWSER" != 1 ]; fi

test-go:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

fuzz: ## Run each fuzz target briefly (FUZZTIME, default 10s); a finding fails
	GO=$(GO) bash .ci/fuzz-smoke.sh $(FUZZTIME)

bench: ## Run the benchmarks (-benchmem -count=6)
	$(GO) test -run '^$$' -bench . -benchmem -count=6 -timeout 60m ./...

generate: ## Regenerate generated code (gqlgen)
	$(GO) generate ./...

verify: ## Check that generated code and both migration folders are up to date
	$(GO) generate ./...
	@git diff --exit-code -- graph/ || (echo "generated code is stale: run make generate and commit" && exit 1)
	$(GO) test -count=1 -run 'TestMigrations' ./store/...

clean: ## Remove build output
	rm -rf bin

.PHONY: test-python
test-python: ## Test the Python client (clients/python) against a live demo server (Debian's python3-requests, python3-websockets)
	GO=$(GO) bash clients/python/run_tests.sh
