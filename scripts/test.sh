#!/usr/bin/env bash
# Every check and test: formatting, lint, type check, generated output up to
# date, then the test suites (Linux lane and the Windows lane under Wine).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deno=$("$root/scripts/install.sh")
export PATH="$(dirname "$deno"):$PATH"
cd "$root"
step() { printf '\n== %s\n' "$*"; }

step "deno fmt --check"
deno fmt --check
step "deno lint"
deno lint
step "deno check"
deno check mod.ts gen/main.ts docs-src/sync.ts 'tests/**/*.ts'
step "generated output is up to date (deno task gen:check)"
deno task gen:check
step "tests"
deno test --allow-all tests/
scripts/wine/wineserver.sh -k >/dev/null 2>&1 || true
