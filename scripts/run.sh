#!/usr/bin/env bash
# The main job: regenerate the ABI model and bindings from the VSS reference
# (printing the counts), build the VSS simulator, and run the backup demo on it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deno=$("$root/scripts/install.sh")
export PATH="$(dirname "$deno"):$PATH"
cd "$root"
printf '== regenerating from the reference (deno task gen)\n'
deno task gen
printf '\n== building the VSS simulator\n'
bash simulator/build.sh linux >/dev/null
printf '\n== backup demo on the simulator (deno task demo)\n'
deno task demo
