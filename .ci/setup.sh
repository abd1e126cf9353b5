#!/usr/bin/env bash
# Installs what building and testing Hireloop needs, skipping whatever is already there.
#   .ci/setup.sh            the build tools (wasm target, cargo-leptos, wasm-bindgen)
#   .ci/setup.sh --test     ... plus Chromium, chromedriver and PostgreSQL 15 for the tests
#   .ci/setup.sh --release  ... plus wasm-opt for optimised builds
# Only crates.io, npm and Debian's packages are used.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
want_release=false
for arg in "$@"; do
  case "$arg" in
    --test) want_test=true ;;
    --release) want_release=true ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

CARGO_LEPTOS_VERSION=0.3.10
WASM_OPT_NPM_VERSION=132
AXE_CORE_NPM_VERSION=4.14.1
TOOLS_DIR="${HIRELOOP_TOOLS_DIR:-$HOME/.local/share/hireloop-tools}"

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; exit 1
  fi
}

apt_updated=false
apt_install() {
  if ! $apt_updated; then
    say "apt-get update"
    as_root apt-get update -qq
    apt_updated=true
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v cc >/dev/null; then
  apt_install build-essential
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes ~15 minutes once)"
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if $want_release; then
  if [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    say "installing wasm-opt (binaryen@$WASM_OPT_NPM_VERSION from npm) into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    npm install --silent --prefix "$TOOLS_DIR" "binaryen@$WASM_OPT_NPM_VERSION"
  fi
fi

if $want_test; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    as_root useradd --system --no-create-home postgres
  fi
  # The accessibility audit the browser tests run on every page (WCAG 2.1 A/AA).
  if [ "$(node -p "require('$TOOLS_DIR/node_modules/axe-core/package.json').version" 2>/dev/null)" != "$AXE_CORE_NPM_VERSION" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    say "installing axe-core@$AXE_CORE_NPM_VERSION (from npm) into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    npm install --silent --prefix "$TOOLS_DIR" "axe-core@$AXE_CORE_NPM_VERSION"
  fi
fi

say "tools ready"
