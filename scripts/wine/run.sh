#!/usr/bin/env bash
# Usage: scripts/wine/run.sh PROGRAM.exe ARGS...   runs a Windows console program
# in the Wine prefix of the Windows Deno lane. Exit code, stdout and stderr pass
# through; with WINEDEBUG=-all Wine adds nothing to stdout.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

(($# >= 1)) || die "usage: ${0##*/} PROGRAM.exe [ARGS...]"
ensure_ready
exec_wine "$@"
