#!/usr/bin/env bash
# The main job, end to end on the bundled fixture data (2,000 + 1,000 Fashion-MNIST images).
# Installs what is missing, builds a release binary, and runs every pipeline stage that exists.
# Outputs go to out/demo/ (override with SNNC_DEMO_OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
echo "== building snnc (release)" >&2
swift build -c release --product snnc
snnc="$(swift build -c release --show-bin-path)/snnc"
out="${SNNC_DEMO_OUT:-out/demo}"
mkdir -p "$out"
data="fixtures/fashion-mnist"
start=$SECONDS

echo "== 1. train: VGG16 at width 1/8, T = 5, on the fixture subset" >&2
"$snnc" train --model vgg16 --width 0.125 --data-dir "$data" --epochs 3 --seed 1 \
    --force -o "$out/dense.h5"

echo
echo "== 2. chip targets" >&2
"$snnc" targets

echo "== 3. export: fold BN, quantise, lower to CSR, map to Loihi cores, estimate" >&2
"$snnc" export "$out/dense.h5" --target loihi --force -o "$out/dense.snn.h5"

echo "== 4. inspect: per-layer memory, spikes, energy" >&2
"$snnc" inspect "$out/dense.snn.h5"

echo
echo "Demo finished in $((SECONDS - start)) s. Outputs in $out/:"
ls -l "$out"
