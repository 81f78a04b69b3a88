#!/usr/bin/env bash
# The main job, end to end on the bundled fixture data. Installs what is missing, builds a
# release binary, and runs every pipeline stage that exists so far. Outputs go to out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product snnc
snnc=".build/release/snnc"
out="out/demo"
mkdir -p "$out"

echo "== snnc $($snnc --version)"
$snnc --help

echo
echo "Demo finished. Outputs are in $out/"
