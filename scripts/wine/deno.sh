#!/usr/bin/env bash
# Usage: scripts/wine/deno.sh ARGS...   runs the Windows deno.exe under Wine.
# Wine maps / to Z: and starts in the caller's cwd, so relative and absolute
# Unix paths in ARGS work. Exit code, stdout and stderr pass through.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

ensure_ready
exec_wine "$EXE" "$@"
