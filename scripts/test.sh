#!/usr/bin/env bash
# Every check and test: formatting, lint, type check, generated output up to
# date, the simulator's own C tests, then the test suites on the Linux lane
# (Deno + the Linux simulator) and on the Windows ABI lane (Windows Deno under
# Wine + the Windows simulator DLL and Wine's own stub vssapi.dll).
#   scripts/test.sh          everything (the README's test command, run by CI)
#   scripts/test.sh --fast   fmt, lint, check, gen:check and the Linux lane (deno task test)
set -euo pipefail
fast=false
[[ ${1:-} == --fast ]] && fast=true
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deno=$("$root/scripts/install.sh")
export PATH="$(dirname "$deno"):$PATH"
cd "$root"
step() { printf '\n== %s\n' "$*"; }
log=$(mktemp)
trap 'rm -f "$log"; scripts/wine/wineserver.sh -k >/dev/null 2>&1 || true' EXIT
# Runs a test command, keeping its output for the summary line at the end.
tests() { "$@" 2>&1 | tee -a "$log"; }

# One closing line over all the runs: "N passed, N failed, N skipped".
summarize() {
  sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    /^# pass [0-9]+$/ { p += $3 }
    /^# fail [0-9]+$/ { f += $3 }
    /^# skipped [0-9]+$/ { s += $3 }
    /^(ok|FAILED) \| [0-9]+ passed/ {
      for (i = 1; i <= NF; i++) {
        if ($(i + 1) ~ /^passed/) p += $i
        if ($(i + 1) ~ /^failed/) f += $i
        if ($(i + 1) ~ /^ignored/) s += $i
      }
    }
    END { printf "\nsummary: %d passed, %d failed, %d skipped\n", p, f, s }'
}

step "deno fmt --check"
deno fmt --check
step "deno lint"
deno lint
step "deno check (every tracked TypeScript file)"
git ls-files -z '*.ts' | xargs -0 deno check
step "deno doc --lint (the four entry points)"
deno doc --lint mod.ts binding.ts files.ts simulator/mod.ts
step "deno publish --dry-run (JSR-ready)"
deno publish --dry-run --allow-dirty --quiet
step "generated output is up to date (deno task gen:check)"
deno task gen:check
step "thunk library: build (Linux and Windows x64), embedded copy up to date"
bash thunks/build.sh all >/dev/null
git diff --exit-code --stat ffi/thunks/embedded.ts ||
  { echo "ffi/thunks/embedded.ts is stale: commit the rebuilt file" >&2; exit 1; }

if $fast; then
  bash simulator/build.sh linux >/dev/null
  step "tests, Linux lane"
  tests deno test --allow-all tests/
  summarize
  exit 0
fi

step "simulator: build and C smoke tests (native and under Wine), COM registration under Wine"
bash simulator/test.sh all

step "tests, Linux lane"
tests deno test --allow-all tests/

step "tests, Windows ABI lane: Windows Deno under Wine against the simulator DLL (binding, requester API, files, simulator)"
scripts/wine/setup.sh
tests scripts/wine/deno.sh test --allow-all tests/ffi/ tests/requester/ tests/thunks/ tests/files/ tests/simulator/

step "tests, Windows ABI lane: the CLI as Windows Deno processes under Wine"
tests scripts/wine/deno.sh test --allow-all tests/cli/

step "tests, Windows ABI lane: Wine's own stub vssapi.dll"
VSS_EXPECT_WINE_STUB=1 tests scripts/wine/deno.sh test --allow-all tests/ffi/loading_test.ts

step "npm package: ES modules + CommonJS build, tarball checks, Node tests (Linux; Windows x64 with Windows Node under Wine)"
tests deno task build:npm --wine

summarize
