#!/usr/bin/env bash
# Issue 21's 10-epoch comparison: the paper's VGG16 at width 1/8 trained by snnc and by
# SpikingJelly on the same 20,000 Fashion-MNIST training images (snnc's stratified subset with
# data seed 1), 10 epochs, batch 128, lr 0.3 cosine, crop + flip, BN statistics over T·B, the full
# test set after every epoch, 2 threads; one after the other on an otherwise idle machine.
#
#   experiments/training-speed/run.sh [seed]   # from the repository root; about 25 minutes
#
# The seed (default 1) is the training seed of both tools; the images are the same for every
# seed (data seed 1). Seed 1 writes {snnc,sj}.log and results.json, seed S writes
# {snnc,sj}-sS.log and results-sS.json.
# Needs the release build (swift build -c release) and the .venv-anchors of
# scripts/bench-anchors.sh. Writes experiments/training-speed/{snnc,sj}.log and results.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
seed="${1:-1}"
suffix=""
[ "$seed" = 1 ] || suffix="-s$seed"
here=experiments/training-speed
out=out/training-speed
mkdir -p "$out"
bin="$(swift build -c release --show-bin-path)"
"$bin/snnc-bench" subset-indices 20000 1 > "$out/indices.txt"

start=$(date +%s.%N)
"$bin/snnc" train --model vgg16 --width 0.125 --dataset fmnist --train-subset 20000 --data-seed 1 \
    --epochs 10 --bn-statistics pooled --seed "$seed" --threads 2 -o "$out/snnc$suffix.h5" --force 2>&1 | tee "$here/snnc$suffix.log"
snnc_s=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
.venv-anchors/bin/python Benchmarks/anchors/train_sj_vgg16_paper.py --indices "$out/indices.txt" \
    --epochs 10 --threads 2 --seed "$seed" 2>&1 | tee "$here/sj$suffix.log"
sj_s=$(echo "$(date +%s.%N) - $start" | bc)

printf '{"snnc_wall_s": %s, "sj_wall_s": %s}\n' "$snnc_s" "$sj_s" | tee "$here/results$suffix.json"
