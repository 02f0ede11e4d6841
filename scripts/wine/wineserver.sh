#!/usr/bin/env bash
# Usage: scripts/wine/wineserver.sh -w|-k   wineserver for the lane's prefix:
# -w waits until the Wine session (lingering ~3 s after the last program) ends,
# -k ends it now.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

find_wine || die "wine not found; run scripts/wine/setup.sh"
wine_env
[[ -d $PREFIX ]] || exit 0
exec "$WINESERVER" "$@"
