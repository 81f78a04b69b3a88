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
echo "== chip targets"
$snnc targets

echo
echo "== train a tiny VGG16 (width 1/8) for one epoch on 256 fixture images, then compile it for Loihi"
$snnc train --data-dir fixtures/fashion-mnist --model vgg16 --width 0.125 --epochs 1 --batch-size 32 \
    --train-subset 256 --test-subset 100 --force -o "$out/dense.h5"
$snnc export "$out/dense.h5" --target loihi --force -o "$out/dense.snn.h5"
$snnc inspect "$out/dense.snn.h5"

echo
echo "== simulate the deployment file on 100 test images, checked spike for spike against the dense integer reference"
$snnc simulate "$out/dense.snn.h5" --data-dir fixtures/fashion-mnist --limit 100 --check --trace "$out/spikes.h5"

echo
echo "Demo finished. Outputs are in $out/"
