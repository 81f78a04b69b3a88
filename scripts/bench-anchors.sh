#!/usr/bin/env bash
# Training/inference speed of snnc vs the PyTorch SNN anchors (SpikingJelly), side by side on
# this machine, in one run. Release build, 2 threads. Not part of CI.
#
#   scripts/bench-anchors.sh [runs]      # default 3 alternating runs of each
#
# Needs a venv with torch + spikingjelly (created at .venv-anchors on first use, from PyPI).
# Models: the anchors' small net and full-width VGG16 (../shared/anchors/bench_torch_snn.py), and
# the paper's VGG16 at width 1/8, batch 128 (Benchmarks/anchors/bench_sj_vgg16_paper.py, built on
# ../shared/anchors/sj_vgg16w8_model.py). Writes out/bench/anchor-<i>.json,
# out/bench/sj-vgg16-paper-w8-<i>.json, out/bench/snnc-<model>-<i>.json and prints a ratio table
# (medians over the runs) that goes into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
anchor="${SNNC_ANCHOR_SCRIPT:-../shared/anchors/bench_torch_snn.py}"
venv="${SNNC_ANCHOR_VENV:-.venv-anchors}"
out=out/bench
mkdir -p "$out"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch spikingjelly numpy
fi
swift build -c release --product snnc-bench >&2
bench="$(swift build -c release --show-bin-path)/snnc-bench"
for i in $(seq 1 "$runs"); do
    echo "== run $i/$runs: SpikingJelly anchor" >&2
    "$venv/bin/python" "$anchor" --impls sj --models small vgg16 --allocators default --threads 2 --json "$out/anchor-$i.json" --md "$out/anchor-$i.md" >&2
    echo "== run $i/$runs: SpikingJelly vgg16-paper-w8" >&2
    "$venv/bin/python" Benchmarks/anchors/bench_sj_vgg16_paper.py --threads 2 > "$out/sj-vgg16-paper-w8-$i.json"
    for model in small vgg16 vgg16-paper-w8; do
        echo "== run $i/$runs: snnc $model" >&2
        "$bench" "$model" --threads 2 > "$out/snnc-$model-$i.json"
    done
done
python3 scripts/bench-table.py "$out" "$runs"
