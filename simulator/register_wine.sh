#!/usr/bin/env bash
# Registers the simulator DLL in a Wine prefix as the in-process server of
# CLSID_VssSnapshotMgmt (HKCR\CLSID\{0B5A2C52-...}\InprocServer32, ThreadingModel
# Both), through `wine regsvr32`, which calls its DllRegisterServer.
#   simulator/register_wine.sh DLLPATH
# Prefix: $WINEPREFIX if set; else the Windows Deno lane's prefix of
# scripts/wine (so Deno under Wine sees the registration); else
# ~/.cache/vss-requester/sim-wineprefix.
set -euo pipefail

(($# == 1)) || {
  echo "usage: ${0##*/} DLLPATH" >&2
  exit 2
}
dll=$(readlink -f "$1")
[[ -f $dll ]] || {
  echo "register_wine: no such file: $1" >&2
  exit 1
}
REPO=$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")
lane=$REPO/scripts/wine/lib.sh

if [[ -z ${WINEPREFIX:-} && -f $lane ]]; then
  # shellcheck source=../scripts/wine/lib.sh
  source "$lane"
  ensure_ready
else
  export WINEPREFIX=${WINEPREFIX:-$HOME/.cache/vss-requester/sim-wineprefix}
  export WINEDEBUG=${WINEDEBUG:--all}
  WINE=$(command -v wine || command -v wine64 || echo /usr/lib/wine/wine64)
fi

win_path="Z:${dll//\//\\}"
"$WINE" regsvr32 /s "$win_path" </dev/null
key='HKCR\CLSID\{0B5A2C52-3EB9-470A-96E2-6C6D4570E40F}\InprocServer32'
"$WINE" reg query "$key" </dev/null | tr -d '\r' | grep -E 'REG_SZ' >&2
echo "registered $win_path in $WINEPREFIX"
