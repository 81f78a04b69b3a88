#!/usr/bin/env bash
# Fixture-size check of a repro2 sweep file: copies it into a temporary folder with the model,
# data and budget shrunk (the small model at width 0.25 on the bundled Fashion-MNIST fixtures, 200
# training and 100 test images, batch 50, 3 epochs per round, IMP rounds "1,2" instead of
# "4,8,11,14"), runs the named runs through `snnc sweep run -j 1`, collects them, prints the
# collection and deletes the folder. Its numbers mean nothing: it checks that the file, its
# options and the stage's run names work end to end, in minutes.
#
# SMOKE_KEEP=<dir> (opt-in) keeps the collections: the collected results.csv and results.json are
# copied to <dir> (created if missing) before the folder is deleted. The golden files of
# experiments/repro2/testdata/ (claims.py's check) were made this way.
#
#   experiments/repro2/smoke.sh sweep.toml imp-s0 imp+et-s0     # release build (swift build -c release)
#   SNNC=path/to/snnc experiments/repro2/smoke.sh dense.toml dense-s0
#   SMOKE_KEEP=experiments/repro2/tickets/smoke/dense experiments/repro2/smoke.sh dense.toml dense-s0 dense-s1
#   (tickets/ is ignored by git, so kept collections stay out of commits)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
file=$1
shift
snnc=${SNNC:-$root/.build/release/snnc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e 's/^model = "vgg16"/model = "small"/' \
    -e 's/^width = 0.125/width = 0.25/' \
    -e 's/^train-subset = 20000/train-subset = 200\ntest-subset = 100/' \
    -e "s|^dataset = \"fmnist\"|dataset = \"fmnist\"\ndata-dir = \"$root/fixtures/fashion-mnist\"|" \
    -e 's/^epochs-per-round = 20/epochs-per-round = 3/' \
    -e 's/^epochs = 20/epochs = 3/' \
    -e 's/^batch-size = 128/batch-size = 50/' \
    -e 's/^rounds = "4,8,11,14"/rounds = "1,2"/' \
    "$here/$file" > "$work/$file"
grep -q '^model = "small"' "$work/$file" && grep -q '^test-subset = 100' "$work/$file" \
    || { echo "smoke: $file does not have the options this script shrinks" >&2; exit 1; }
runs=()
for run in "$@"; do runs+=(--run "$run"); done
"$snnc" sweep run "$work/$file" -j 1 "${runs[@]}"
"$snnc" sweep status "$work/$file"
"$snnc" sweep collect "$work/$file" -o "$work/results.csv"
cat "$work/results.csv"
if [ -n "${SMOKE_KEEP:-}" ]; then
    "$snnc" sweep collect "$work/$file" -o "$work/results.json"
    mkdir -p "$SMOKE_KEEP"
    cp "$work/results.csv" "$work/results.json" "$SMOKE_KEEP/"
    echo "smoke: kept results.csv and results.json in $SMOKE_KEEP" >&2
fi
