# The two commands of README: `make run` serves the product, `make test` runs every test.
# Both install what is missing first and are safe to run again.
SHELL := /bin/bash
export LEPTOS_OUTPUT_NAME := prokip-sync
export LEPTOS_SITE_ROOT := target/site
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
SERVER := $(CARGO_TARGET_DIR)/debug/server

.PHONY: run serve dev test lint resilience bench measure-pages build db-start db-stop

run: build ## demo: the dashboard at http://127.0.0.1:3000 with the mock platforms (MOCK_MODE=true)
	.ci/with-db prokip -- .ci/demo $(SERVER)

serve: build ## the dashboard against the real platforms configured in the environment / .env
	.ci/with-db prokip -- $(SERVER)

dev: ## demo mode, rebuilding and restarting on every change
	.ci/ensure-tools build
	cargo build -p mocks
	.ci/with-db prokip -- .ci/demo cargo leptos watch

build:
	.ci/ensure-tools build
	cargo leptos build
	cargo build -p mocks

test: ## formatting and lint gates, then unit, integration (real PostgreSQL) and end-to-end (Chromium, JavaScript on and off) tests
	.ci/ensure-tools test
	.ci/lint
	.ci/build
	.ci/with-db prokip_e2e --fresh -- .ci/test

lint: ## cargo fmt --check and clippy (warnings fail) for the server, its tests and the browser build
	.ci/ensure-tools build
	.ci/lint

resilience: ## the resilience and security suite at full size (500-order bursts; RESILIENCE_ORDERS, RESILIENCE_ONLY)
	.ci/with-db prokip_resilience -- cargo test -p server --features app/ssr --test resilience -- --nocapture

bench: ## benchmark figures (release build): reconcile of 10,000 SKUs × 3 stores, webhook ingest, order → store latency
	cargo build --release -p mocks --bin mocks
	.ci/with-db prokip_bench --fresh -- cargo run --release -p server --example bench_reconcile
	.ci/with-db prokip_bench --fresh -- cargo run --release -p server --example bench_orders
	@echo "Ingest again on a PostgreSQL that flushes every commit to disk, as production runs it:"
	PG_DURABLE=1 .ci/with-db prokip_bench --fresh -- cargo run --release -p server --example bench_orders -- --only ingest

# PROFILE=release builds as a deployment does (wasm-opt, precompressed assets); the default is the debug build `make run` serves.
PROFILE ?= debug
measure-pages: ## page speed and weight per page (TTFB, bytes compressed) and the wasm/JS/CSS sizes raw, gzip and br
	.ci/ensure-tools $(if $(filter release,$(PROFILE)),release,build)
	cargo leptos build $(if $(filter release,$(PROFILE)),--release --precompress)
	cargo build -p mocks
	.ci/with-db prokip_measure --fresh -- .ci/measure-pages $(PROFILE)

db-start: ## start the private PostgreSQL (when DATABASE_URL is not set) and print its URL
	.ci/pg start

db-stop:
	.ci/pg stop
