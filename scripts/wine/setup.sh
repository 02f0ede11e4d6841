#!/usr/bin/env bash
# Builds (once) the Windows Deno lane under Wine, in
#   ${VSS_CACHE_DIR:-$HOME/.cache/vss-requester}/wine-deno-<deno version>/
# holding the patched deno.exe, bcryptprimitives.dll and a dedicated WINEPREFIX.
# Each part is rebuilt only when its inputs change; a valid cache costs well under a second.
# Progress goes to stderr.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

say() { printf 'wine-setup: %s\n' "$*" >&2; }

install_tools() {
  local sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || die "missing wine/mingw and not root: apt-get install wine64 gcc-mingw-w64-x86-64"
    sudo=(sudo)
  fi
  say "installing wine wine64 gcc-mingw-w64-x86-64 with apt-get"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq wine wine64 gcc-mingw-w64-x86-64 >&2
}

if ! find_wine || ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
  install_tools
  find_wine || die "wine still missing after apt-get install"
fi
wine_env

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
# Wine processes outlive their caller; they must not inherit (and hold) the lock.
wine_nolock() { "$@" 9>&-; }

if cache_ready; then
  say "cache ok: $CACHE"
  exit 0
fi

work=$(mktemp -d "$CACHE/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [[ -f $EXE ]] && stamp_ok exe "$(exe_key)"; then
  say "deno.exe $DENO_VERSION: cached"
else
  command -v npm >/dev/null || die "npm not on PATH (needed to fetch @deno/win32-x64)"
  say "fetching @deno/win32-x64@$DENO_VERSION with npm pack"
  tgz=$(cd "$work" && npm pack --loglevel=error "@deno/win32-x64@$DENO_VERSION") ||
    die "npm pack @deno/win32-x64@$DENO_VERSION failed"
  [[ -f $work/$tgz ]] || die "npm pack produced no tarball for @deno/win32-x64@$DENO_VERSION"
  tar -xzf "$work/$tgz" -C "$work" package/deno.exe
  deno run --quiet --no-config --no-lock --allow-read="$work" --allow-write="$work" \
    "$WINE_DIR/patch_deno_exe.ts" "$work/package/deno.exe" "$work/deno.exe" >&2
  rm -f "$CACHE/.ready.ok"
  mv -f "$work/deno.exe" "$EXE"
  exe_key >"$CACHE/.exe.ok"
fi

if [[ -f $DLL ]] && stamp_ok dll "$(dll_key)"; then
  say "bcryptprimitives.dll: cached"
else
  say "building bcryptprimitives.dll (ProcessPrng -> RtlGenRandom)"
  x86_64-w64-mingw32-gcc "${DLL_CFLAGS[@]}" -o "$work/bcryptprimitives.dll" \
    "$WINE_DIR/bcryptprimitives.c" "$WINE_DIR/bcryptprimitives.def" -ladvapi32
  x86_64-w64-mingw32-objdump -p "$work/bcryptprimitives.dll" | grep -qw ProcessPrng ||
    die "bcryptprimitives.dll does not export ProcessPrng"
  rm -f "$CACHE/.ready.ok"
  mv -f "$work/bcryptprimitives.dll" "$DLL"
  dll_key >"$CACHE/.dll.ok"
fi

if [[ -f $PREFIX/system.reg ]] && stamp_ok prefix "$(prefix_key)"; then
  say "WINEPREFIX: cached"
else
  say "creating WINEPREFIX $PREFIX (wineboot -i, ~10 s)"
  rm -f "$CACHE/.ready.ok"
  wine_nolock "$WINESERVER" -k 2>/dev/null || true
  rm -rf "$PREFIX"
  if ! wine_nolock "$WINE" wineboot.exe -i </dev/null >"$work/wineboot.log" 2>&1; then
    cat "$work/wineboot.log" >&2
    die "wineboot -i failed"
  fi
  # The registry reaches disk only when the session ends.
  wine_nolock "$WINESERVER" -w
  [[ -f $PREFIX/system.reg ]] || die "wineboot left no $PREFIX/system.reg"
  prefix_key >"$CACHE/.prefix.ok"
fi

say "smoke test: deno.exe eval"
probe='console.log(Deno.version.deno, Deno.build.os, crypto.randomUUID().length)'
boot_session
got=$(wine_nolock "$WINE" "$EXE" eval "$probe" </dev/null) || die "deno.exe under wine failed (exit $?)"
[[ $got == "$DENO_VERSION windows 36" ]] || die "unexpected smoke test output: '$got'"
ready_key >"$CACHE/.ready.ok"
say "ready: $CACHE"
