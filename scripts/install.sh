#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine with Node:
# Deno (from the npm registry, pinned), the mingw-w64 headers and compiler,
# and Wine. Idempotent: does nothing when everything is already there.
# Prints the deno binary to use on stdout (the rest goes to stderr).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DENO_VERSION=2.9.6
say() { printf 'install: %s\n' "$*" >&2; }

apt_packages=()
[[ -f /usr/share/mingw-w64/include/vss.h ]] || apt_packages+=(mingw-w64-x86-64-dev)
command -v x86_64-w64-mingw32-gcc >/dev/null || apt_packages+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null || apt_packages+=(wine wine64)
command -v gcc >/dev/null || apt_packages+=(gcc)
[[ -x /usr/bin/chromium ]] || apt_packages+=(chromium fonts-liberation)
if ((${#apt_packages[@]} > 0)); then
  sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo)
  say "apt-get install ${apt_packages[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
    install -y -qq "${apt_packages[@]}" >&2
fi

deno_bin=$(command -v deno || true)
if [[ -z $deno_bin ]] || [[ $("$deno_bin" --version | awk 'NR==1{print $2}') != "$DENO_VERSION" ]]; then
  deno_bin=$root/.cache/tools/node_modules/.bin/deno
  if [[ ! -x $deno_bin ]] || [[ $("$deno_bin" --version | awk 'NR==1{print $2}') != "$DENO_VERSION" ]]; then
    say "npm install deno@$DENO_VERSION into .cache/tools"
    mkdir -p "$root/.cache/tools"
    npm install --prefix "$root/.cache/tools" --no-audit --no-fund --loglevel=error "deno@$DENO_VERSION" >&2
  fi
fi
echo "$deno_bin"
