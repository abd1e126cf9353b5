# Hireloop developer commands. `make start` and `make test` are all a newcomer needs.

# Leptos's type-erased views: faster to compile, and a smaller browser bundle (measured:
# 1.9 MB instead of 2.6 MB after wasm-opt). Passed here rather than by cargo-leptos so that
# cargo-leptos, `cargo test` and clippy all reuse one set of compiled dependencies.
ERASE := --cfg erase_components
WASM_OPT_BIN := $(HOME)/.local/share/hireloop-tools/node_modules/.bin

.PHONY: start build test test-e2e lint fmt release serve demo clean-data ci bench

## Install what is missing, build, load demo data and serve on http://127.0.0.1:3000
start: build
	./target/debug/hireloop demo-data
	./target/debug/hireloop serve

## Build the server and the browser bundle (debug)
build:
	./.ci/setup.sh
	RUSTFLAGS="$(ERASE)" cargo leptos build

## Run every test: unit tests, then the end-to-end suite on SQLite and PostgreSQL
test:
	./.ci/setup.sh --test
	RUSTFLAGS="$(ERASE)" cargo leptos build
	RUSTFLAGS="$(ERASE)" cargo test --workspace

## Only the end-to-end suite; pass a filter with T=..., e.g. make test-e2e T=sqlite::login
test-e2e:
	RUSTFLAGS="$(ERASE)" cargo leptos build
	RUSTFLAGS="$(ERASE)" cargo test -p hireloop-tests --test e2e -- $(T)

## Formatting and lints, as CI runs them
lint:
	cargo fmt --all -- --check
	RUSTFLAGS="$(ERASE)" cargo clippy --workspace --all-targets -- -D warnings
	RUSTFLAGS="$(ERASE)" cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

fmt:
	cargo fmt --all

## Optimised build (server in target/release, bundle in target/site)
release:
	./.ci/setup.sh --release
	PATH="$(WASM_OPT_BIN):$$PATH" RUSTFLAGS="$(ERASE)" cargo leptos build --release

## Benchmark the release build at a company's scale on SQLite and PostgreSQL (about 20
## minutes; builds first) and write the tables into BENCHMARKS.md. Options go in B=...,
## e.g. make bench B="--engines sqlite --seconds 5 --only Board"
bench: release
	./.ci/setup.sh --test
	RUSTFLAGS="$(ERASE)" cargo run --release -p hireloop-bench -- --write BENCHMARKS.md $(B)

## Serve what was built last (debug), without demo data
serve:
	./target/debug/hireloop serve

## What CI runs
ci:
	./.ci/run
