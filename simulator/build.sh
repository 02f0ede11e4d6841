#!/usr/bin/env bash
# Builds the VSS simulator: simulator/build.sh [linux|windows|all]   (default: all)
#   linux:   libvss_sim.so, smoke, persist_helper, c_loop, scale        (gcc)
#   windows: vss_sim.dll (+ libvss_sim.dll.a), smoke.exe, persist_helper.exe, c_loop.exe,
#            scale.exe, com_test.exe, memory_test.exe                   (mingw-w64)
# into ${VSS_SIM_BUILD_DIR:-<repo>/build/simulator}/{linux,windows}/. An artifact is
# rebuilt only when one of its inputs is newer. Prints the artifact paths.
set -euo pipefail

SIM=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
REPO=$(dirname "$SIM")
OUT=${VSS_SIM_BUILD_DIR:-$REPO/build/simulator}
target=${1:-all}

CFLAGS=(-std=c11 -O2 -Wall -Wextra -Werror)
LIB_SOURCES=("$SIM"/src/*.c)
HEADERS=("$SIM"/src/*.h "$SIM"/include/vss_sim.h "$SIM"/generated/vss_abi.h "$SIM"/generated/hresults.h "$SIM"/build.sh)
JOBS=$(nproc 2>/dev/null || echo 2)

# stale OUTPUT INPUT...: true when OUTPUT is missing or older than an input.
stale() {
  local out=$1
  shift
  [[ -f $out ]] || return 0
  local f
  for f in "$@"; do
    [[ $f -nt $out ]] && return 0
  done
  return 1
}

# build OUTPUT "INPUTS..." COMMAND...
build() {
  local out=$1 inputs=$2
  shift 2
  # shellcheck disable=SC2086
  if stale "$out" $inputs; then
    echo "build: $out" >&2
    "$@"
  fi
  echo "$out"
}

# objects DIR CC FLAGS...: compiles the library sources into DIR/*.o, stale ones
# only, in parallel; prints the object paths.
objects() {
  local dir=$1 cc=$2
  shift 2
  local src obj pids=() objs=()
  for src in "${LIB_SOURCES[@]}"; do
    obj=$dir/$(basename "${src%.c}").o
    objs+=("$obj")
    if stale "$obj" "$src" "${HEADERS[@]}"; then
      while (($(jobs -rp | wc -l) >= JOBS)); do wait -n; done
      "$cc" "$@" -c "$src" -o "$obj" &
      pids+=($!)
    fi
  done
  local pid status=0
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  ((status == 0)) || exit 1
  printf '%s\n' "${objs[@]}"
}

build_linux() {
  local d=$OUT/linux
  mkdir -p "$d/obj"
  local lib=$d/libvss_sim.so objs
  objects "$d/obj" gcc "${CFLAGS[@]}" -fPIC -fvisibility=hidden -pthread >"$d/obj/list" || exit 1
  mapfile -t objs <"$d/obj/list"
  build "$lib" "${objs[*]}" gcc -shared -pthread "${objs[@]}" -o "$lib"
  local prog
  for prog in tests/smoke tests/persist_helper bench/c_loop bench/scale; do
    [[ -f $SIM/$prog.c ]] || continue # a published package ships the library sources only
    local exe=$d/${prog#*/}
    build "$exe" "$SIM/$prog.c $SIM/include/vss_sim.h $lib" \
      gcc "${CFLAGS[@]}" -I"$SIM/include" "$SIM/$prog.c" -L"$d" -lvss_sim -Wl,-rpath,'$ORIGIN' -pthread -o "$exe"
  done
}

build_windows() {
  local d=$OUT/windows cc=x86_64-w64-mingw32-gcc
  mkdir -p "$d/obj"
  local dll=$d/vss_sim.dll objs
  objects "$d/obj" $cc "${CFLAGS[@]}" >"$d/obj/list" || exit 1
  mapfile -t objs <"$d/obj/list"
  build "$dll" "${objs[*]} $SIM/vss_sim.def" \
    $cc -shared -static-libgcc "${objs[@]}" "$SIM/vss_sim.def" -o "$dll" \
    -Wl,--out-implib,"$d/libvss_sim.dll.a" -lole32 -loleaut32 -luuid -ladvapi32
  local prog
  for prog in tests/smoke tests/persist_helper bench/c_loop bench/scale; do
    [[ -f $SIM/$prog.c ]] || continue
    local exe=$d/${prog#*/}.exe
    # Linked against the simulator only: SysFreeString/CoTaskMemFree resolve to its
    # counting forwarders.
    build "$exe" "$SIM/$prog.c $SIM/include/vss_sim.h $dll" \
      $cc "${CFLAGS[@]}" -static-libgcc -I"$SIM/include" "$SIM/$prog.c" -L"$d" -lvss_sim -o "$exe"
  done
  local com=$d/com_test.exe
  [[ -f $SIM/tests/com_test.c ]] || return 0
  build "$com" "$SIM/tests/com_test.c $SIM/include/vss_sim.h $dll" \
    $cc "${CFLAGS[@]}" -static-libgcc -I"$SIM/include" "$SIM/tests/com_test.c" -L"$d" -lvss_sim -lole32 -o "$com"
  local mem=$d/memory_test.exe
  [[ -f $SIM/tests/memory_test.c ]] || return 0
  build "$mem" "$SIM/tests/memory_test.c $SIM/include/vss_sim.h $dll" \
    $cc "${CFLAGS[@]}" -static-libgcc -I"$SIM/include" "$SIM/tests/memory_test.c" -L"$d" -lvss_sim -lole32 -luuid \
    -o "$mem"
}

case $target in
linux) build_linux ;;
windows) build_windows ;;
all)
  build_linux
  build_windows
  ;;
*)
  echo "usage: ${0##*/} [linux|windows|all]" >&2
  exit 2
  ;;
esac
