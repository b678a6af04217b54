# ActiveLab. Run `make` for the list of targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

GO      ?= go
BIN     := bin/activelab
FUZZTIME ?= 10s
IMAGE   ?= activelab:dev
# The container tool: podman, else buildah, else docker (when its engine answers).
CONTAINER_TOOL ?= $(shell if command -v podman >/dev/null; then echo podman; elif command -v buildah >/dev/null; then echo buildah; elif docker info >/dev/null 2>&1; then echo docker; fi)

.PHONY: help run build frontend test test-go test-web fuzz bench generate verify clean image loadtest

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

generate: ## Regenerate generated code (gqlgen; the web app's schema types)
	$(GO) generate ./...
	npm run generate --workspace frontend

verify: ## Check that generated code and both migration folders are up to date
	$(GO) generate ./...
	@git diff --exit-code -- graph/ || (echo "generated code is stale: run make generate and commit" && exit 1)
	$(GO) test -count=1 -run 'TestMigrations' ./store/...
	npm run verify --workspace frontend

image: frontend ## Build the OCI image $(IMAGE) (static binary, FROM scratch, non-root) with podman, buildah or docker, then start it and check /readyz (skipped where containers cannot run)
	@[ -n "$(CONTAINER_TOOL)" ] || { echo "image: no podman, buildah or docker engine (apt-get install buildah)" >&2; exit 1; }
	rm -rf bin/image && mkdir -p bin/image/data
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o bin/image/activelab ./cmd/activelab
	@if readelf -l bin/image/activelab 2>/dev/null | grep -q INTERP; then echo "image: the binary is not static" >&2; exit 1; fi
	cp /etc/ssl/certs/ca-certificates.crt bin/image/
	$(CONTAINER_TOOL) build -f Containerfile -t $(IMAGE) bin/image
	@bash deploy/check-image.sh $(CONTAINER_TOOL) $(IMAGE)
	@bash deploy/run-image.sh $(CONTAINER_TOOL) $(IMAGE)

LOADTEST_ARGS ?= -db sqlite,postgres -rates 100,250,500 -duration 20s
loadtest: ## Load-test a server it starts itself (cmd/loadgen; LOADTEST_ARGS, PostgreSQL from TEST_DATABASE_URL)
	$(GO) build -o bin/activelab ./cmd/activelab
	$(GO) run ./cmd/loadgen -bin bin/activelab $(LOADTEST_ARGS)

clean: ## Remove build output
	rm -rf bin

.PHONY: test-python
test-python: ## Test the Python client (clients/python) against a live demo server (Debian's python3-requests, python3-websockets)
	GO=$(GO) bash clients/python/run_tests.sh
