#!/usr/bin/env bash
# Builds the native thunk library: thunks/build.sh [linux|windows|all]   (default: all)
#   linux:   libvss_thunks.so  (gcc, -O2, no libraries beyond libc's startup)
#   windows: vss_thunks.dll    (x86_64-w64-mingw32-gcc, -nostdlib: no C runtime, no imports)
# into ${VSS_THUNKS_BUILD_DIR:-<repo>/build/thunks}/{linux,windows}/, from the generated
# thunks (thunks/generated/vss_thunks.c, `deno task gen`) and the bulk readers (thunks/src/).
# Reproducible: the same sources give the same bytes (no timestamps, no build paths, no
# build id). Prints the artifact paths; rebuilds only when an input is newer.
set -euo pipefail

HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
REPO=$(dirname "$HERE")
OUT=${VSS_THUNKS_BUILD_DIR:-$REPO/build/thunks}
target=${1:-all}

SOURCES=("$HERE/generated/vss_thunks.c" "$HERE/src/bulk.c" "$HERE/src/entry.c")
INPUTS=("${SOURCES[@]}" "$HERE/src/thunks.h" "$REPO/simulator/generated/vss_abi.h" "$HERE/build.sh")
CFLAGS=(-std=c11 -O2 -Wall -Wextra -Werror -fno-ident -fno-asynchronous-unwind-tables
  -fno-stack-protector -fno-tree-loop-distribute-patterns
  -I"$HERE/src" -I"$REPO/simulator/generated" -ffile-prefix-map="$REPO"=.)

stale() {
  local out=$1 f
  shift
  [[ -f $out ]] || return 0
  for f in "$@"; do [[ $f -nt $out ]] && return 0; done
  return 1
}

build_linux() {
  local out=$OUT/linux/libvss_thunks.so
  mkdir -p "$OUT/linux"
  if stale "$out" "${INPUTS[@]}"; then
    echo "build: $out" >&2
    gcc "${CFLAGS[@]}" -fPIC -fvisibility=hidden -shared -nostdlib -s \
      -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--hash-style=gnu \
      "${SOURCES[@]}" -o "$out"
  fi
  echo "$out"
}

build_windows() {
  local out=$OUT/windows/vss_thunks.dll
  mkdir -p "$OUT/windows"
  if stale "$out" "${INPUTS[@]}"; then
    echo "build: $out" >&2
    x86_64-w64-mingw32-gcc "${CFLAGS[@]}" -shared -nostdlib -s \
      -Wl,--no-insert-timestamp -Wl,--disable-auto-image-base -Wl,--entry,DllMainCRTStartup -Wl,--disable-auto-import \
      -Wl,--exclude-all-symbols \
      "${SOURCES[@]}" -o "$out"
  fi
  echo "$out"
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

# Embed what was built (ffi/thunks/embedded.ts), unless told not to.
if [[ -z ${VSS_THUNKS_NO_EMBED:-} ]]; then
  deno run --allow-read --allow-write --allow-env --allow-run "$HERE/embed.ts" "$OUT"
fi
