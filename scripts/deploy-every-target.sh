#!/usr/bin/env bash
# Deploys a model trained on the bundled Fashion-MNIST fixtures to every profile in targets/ and
# prints one Markdown row per target: the model, accuracy of the integer simulation (checked
# spike for spike against the dense reference), cores, synapse memory and energy per inference.
#
# Models (release build, seed 1, 4 epochs on the 2,000 fixture training images, pooled batch-norm
# statistics):
#   if-small:  small at width 1/4, integrate-and-fire neurons, subtractive reset (Speck's neurons)
#   lif-small: small at width 1/4, LIF tau 4/3, hard reset (the paper's neuron)
#   lif-tiny:  small at width 1/16, LIF, hard reset (fits SpiNNaker's 16 x 256 neurons)
#   if-tiny:   small at width 1/16, IF, subtractive reset (fits TrueNorth's 256 inputs per neuron)
#   if-tiny-ternary: if-tiny trained with --ternary-weights (TrueNorth's one-bit synapses with a
#              per-neuron value per axon type deploy it as trained; tried before if-tiny)
#   xylo-mlp:  mlp 16 -> 64 -> 8 with Xylo's current-based LIF (--neuron cuba-lif, tau_syn 4, tau 8
#              steps) on fmnist-4x4 (the fixtures as 4x4 block means, classes 0-7), threshold 0.25,
#              T = 8, 40 epochs, lr 0.05, batch 32, no augmentation: Xylo's 16 inputs and 8 outputs
# A target that refuses every model prints the compiler's error instead.
#
# Usage: scripts/deploy-every-target.sh [output-folder]   (about 3 minutes after the build)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/every-target}
mkdir -p "$out"
swift build -c release --product snnc >&2
snnc="$(swift build -c release --show-bin-path)/snnc"
data=(--data-dir fixtures/fashion-mnist)
# Batch-norm statistics pooled over T·B: the running statistics the deployed (folded) batch norm
# uses are then those training normalised with; with per-step statistics (the default, the paper's
# code) the integrate-and-fire models' test accuracy swings between epochs (if-small seed 1:
# 46.2, 58.5, 50.6, 24.6%; pooled: 35.8, 50.8, 53.8, 57.4%).
train() {
    "$snnc" train --model small --bn-statistics pooled "${@:2}" "${data[@]}" --epochs 4 --seed 1 --force -o "$out/$1.h5" \
        >/dev/null 2>&1
}
train if-small --width 0.25 --neuron if --reset subtract
train lif-small --width 0.25
train lif-tiny --width 0.0625
train if-tiny --width 0.0625 --neuron if --reset subtract
train if-tiny-ternary --width 0.0625 --neuron if --reset subtract --ternary-weights
"$snnc" train --model mlp --dataset fmnist-4x4 --neuron cuba-lif --threshold 0.25 --time-steps 8 --epochs 40 --lr 0.05 \
    --batch-size 32 --no-augment --seed 1 "${data[@]}" --force -o "$out/xylo-mlp.h5" >/dev/null 2>&1

echo "| target | model | float accuracy | integer accuracy (check) | cores | synapse memory | energy per inference |"
echo "|---|---|---|---|---|---|---|"
for profile in targets/*.toml; do
    target=$(basename "$profile" .toml)
    deployed=""
    errors=""
    for model in if-small lif-small lif-tiny if-tiny-ternary if-tiny xylo-mlp; do
        file="$out/$model.$target.snn.h5"
        if error=$("$snnc" export "$out/$model.h5" --target "$target" --force -o "$file" 2>&1 >/dev/null); then
            deployed=$model
            break
        fi
        errors+="$model: $(printf '%s\n' "$error" | sed -n 's/^Error: //p' | head -1); "
    done
    if [[ -z "$deployed" ]]; then
        echo "| $target | none fits | | | | | ${errors%; } |"
        continue
    fi
    sim=$("$snnc" simulate "$file" "${data[@]}" --limit 1000 --check --json --calibration-out "$out/$deployed.$target.calibration.json")
    "$snnc" export "$out/$deployed.h5" --target "$target" --calibration "$out/$deployed.$target.calibration.json" --force -o "$file" >/dev/null 2>&1
    inspect=$("$snnc" inspect "$file" --json)
    float=$("$snnc" evaluate "$out/$deployed.h5" "${data[@]}" --json)
    python3 - "$target" "$deployed" "$sim" "$inspect" "$float" <<'PY'
import json, sys
target, model, sim, inspect, flt = sys.argv[1], sys.argv[2], *map(json.loads, sys.argv[3:6])
t = inspect["totals"]
print(f"| {target} | {model} | {100 * flt['accuracy']:.1f}% | {100 * sim['accuracy']:.1f}% ({sim['images']} images, identical) "
      f"| {t['cores']} | {t['memory_bytes'] / 1024:.1f} KiB | {t['energy_pj'] / 1e6:.2f} µJ |")
PY
done
