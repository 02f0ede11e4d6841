#!/usr/bin/env bash
# Builds and tests the simulator: simulator/test.sh [linux|windows|all] [--bench]
#   linux:   smoke test natively
#   windows: smoke test under Wine, registration as CLSID_VssSnapshotMgmt's server
#            and activation through Wine's ole32 (com_test.exe), leak counters
#            when the system's allocators free (memory_test.exe, three modes)
#            (smoke runs persist_helper as its second and third process)
# --bench also runs the C call-cost baseline (bench/c_loop.c) and the scale
# timings (bench/scale.c) on the chosen targets.
set -euo pipefail

SIM=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
REPO=$(dirname "$SIM")
OUT=${VSS_SIM_BUILD_DIR:-$REPO/build/simulator}
target=${1:-all}
bench=false
[[ ${2:-} == --bench || ${1:-} == --bench ]] && bench=true
[[ $target == --bench ]] && target=all

run_wine() {
  if [[ -x $REPO/scripts/wine/run.sh ]]; then
    "$REPO/scripts/wine/run.sh" "$@"
  else
    WINEPREFIX=${WINEPREFIX:-$HOME/.cache/vss-requester/sim-wineprefix} WINEDEBUG=-all wine "$@"
  fi
}

"$SIM/build.sh" "$target" >/dev/null

if [[ $target == linux || $target == all ]]; then
  echo "== linux: smoke"
  "$OUT/linux/smoke"
  if $bench; then
    echo "== linux: c_loop"
    "$OUT/linux/c_loop"
    echo "== linux: scale"
    "$OUT/linux/scale"
  fi
fi
if [[ $target == windows || $target == all ]]; then
  echo "== windows (Wine): smoke"
  run_wine "$OUT/windows/smoke.exe"
  echo "== windows (Wine): register and activate through ole32"
  "$SIM/register_wine.sh" "$OUT/windows/vss_sim.dll"
  run_wine "$OUT/windows/com_test.exe"
  echo "== windows (Wine): leak counters with the system's SysFreeString/CoTaskMemFree"
  for mode in exact taken off; do run_wine "$OUT/windows/memory_test.exe" "$mode"; done
  if $bench; then
    echo "== windows (Wine): c_loop"
    run_wine "$OUT/windows/c_loop.exe"
    echo "== windows (Wine): scale"
    run_wine "$OUT/windows/scale.exe"
  fi
fi
