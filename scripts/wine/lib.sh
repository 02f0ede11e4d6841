# Shared by setup.sh, deno.sh, run.sh and wineserver.sh; source it, don't run it.
# shellcheck shell=bash

WINE_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)

# mingw flags for the ProcessPrng stand-in; part of its cache key.
DLL_CFLAGS=(-shared -O2 -s -nostdlib -e DllMain -Wall -Wextra -Werror)
# Bump to force a fresh WINEPREFIX on every machine.
PREFIX_LAYOUT=1

die() {
  printf 'wine: error: %s\n' "$*" >&2
  exit 1
}

# Sets WINE and WINESERVER. Debian 12 puts only `wine` (a wrapper script that
# execs /usr/lib/wine/wine64) on PATH; other distributions ship `wine64`.
find_wine() {
  WINE=$(command -v wine || command -v wine64 || true)
  if [[ -z $WINE && -x /usr/lib/wine/wine64 ]]; then WINE=/usr/lib/wine/wine64; fi
  WINESERVER=$(command -v wineserver || command -v wineserver64 || true)
  if [[ -z $WINESERVER && -x /usr/lib/wine/wineserver64 ]]; then
    WINESERVER=/usr/lib/wine/wineserver64
  fi
  [[ -n $WINE && -n $WINESERVER ]]
}

# Sets DENO_VERSION, CACHE, EXE, DLL, PREFIX and the wine environment.
wine_env() {
  if [[ -n ${VSS_DENO_VERSION:-} ]]; then
    DENO_VERSION=$VSS_DENO_VERSION
  else
    command -v deno >/dev/null || die "deno not on PATH (needed for its version); or set VSS_DENO_VERSION"
    DENO_VERSION=$(deno --version | awk 'NR == 1 { print $2 }')
  fi
  [[ $DENO_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || die "cannot read the deno version: '$DENO_VERSION'"
  CACHE=${VSS_CACHE_DIR:-$HOME/.cache/vss-requester}/wine-deno-$DENO_VERSION
  EXE=$CACHE/deno.exe
  DLL=$CACHE/bcryptprimitives.dll
  PREFIX=$CACHE/prefix

  export WINEPREFIX=$PREFIX
  export WINEARCH=win64
  export WINEDEBUG=${VSS_WINEDEBUG:--all}
  # winemenubuilder would write .desktop files and menus under $HOME.
  export WINEDLLOVERRIDES="winemenubuilder.exe=d${VSS_WINEDLLOVERRIDES:+;$VSS_WINEDLLOVERRIDES}"
  unset DISPLAY WAYLAND_DISPLAY
}

exe_key() {
  printf 'deno %s; patch %s\n' "$DENO_VERSION" \
    "$(sha256sum <"$WINE_DIR/patch_deno_exe.ts" | cut -d' ' -f1)"
}

dll_key() {
  printf 'dll %s; flags %s\n' \
    "$(cat "$WINE_DIR/bcryptprimitives.c" "$WINE_DIR/bcryptprimitives.def" | sha256sum | cut -d' ' -f1)" \
    "${DLL_CFLAGS[*]}"
}

prefix_key() {
  printf 'prefix layout %s\n' "$PREFIX_LAYOUT"
}

stamp_ok() { # NAME KEY
  [[ -f $CACHE/.$1.ok && $(<"$CACHE/.$1.ok") == "$2" ]]
}

ready_key() {
  printf '%s|%s|%s' "$(exe_key)" "$(dll_key)" "$(prefix_key)"
}

cache_ready() {
  [[ -f $EXE && -f $DLL && -f $PREFIX/system.reg ]] && stamp_ok ready "$(ready_key)"
}

# For deno.sh and run.sh: runs setup.sh unless wine and the cache are in place.
ensure_ready() {
  if find_wine && wine_env && cache_ready; then
    sweep_node_shims
    return 0
  fi
  "$WINE_DIR/setup.sh"
  find_wine || die "wine not found"
  wine_env
}

# Windows Deno writes its node shim as node.exe.tmp-<pid> and renames it over
# node.exe; while another deno.exe runs that shim, the rename fails and the
# ~95 MB temporary file stays. A test run leaves dozens; remove those no
# running deno.exe can still be writing (older than ten minutes).
sweep_node_shims() {
  find "$PREFIX"/drive_c/users/*/AppData/Local/deno/node_compat_bin -maxdepth 1 \
    -name 'node.exe.tmp-*' -mmin +10 -delete 2>/dev/null || true
}

# The first Wine process of a session spawns wineserver and the session's
# services (services.exe, explorer.exe, ...), which inherit its stderr and every
# other open fd and outlive it by up to ~3 s: a caller reading our stderr through a
# pipe would wait for them. So start the session from a throwaway process that
# holds nothing but /dev/null; a running session is reused (~0.1 s).
boot_session() {
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    exec "$WINE" cmd.exe /c exit
  ) </dev/null >/dev/null 2>&1 || true
}

# Replaces the shell with `wine "$@"`, so the exit code and stdout pass through.
exec_wine() {
  # CI has no stdin; with fd 0 closed, the next file wine opens would become it.
  [[ -e /dev/stdin ]] || exec </dev/null
  boot_session
  exec "$WINE" "$@"
}
