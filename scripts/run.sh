#!/usr/bin/env bash
# The main job: regenerate the ABI model and the TypeScript bindings from the
# reference pages and the SDK headers, and print the counts.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deno=$("$root/scripts/install.sh")
export PATH="$(dirname "$deno"):$PATH"
cd "$root"
deno task gen "$@"
