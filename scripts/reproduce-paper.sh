#!/usr/bin/env bash
# Reduced reproduction of "Exploring Lottery Ticket Hypothesis in Spiking Neural Networks"
# (Kim et al., ECCV 2022) on a 2-core CPU: Fashion-MNIST, VGG16 at width 0.125, a stratified
# training subset, a few epochs per round. Every search is resumable: run this script again
# after a crash or a kill and it continues where it stopped (finished searches are skipped).
#
# With COMMIT=1 it commits the results, logs and the regenerated report after every finished
# search (to the current branch of the checkout it runs in: run it in its own git worktree);
# otherwise it commits nothing. Outputs (under $OUT, default experiments/repro):
#   tickets/<run>-s<seed>.h5   ticket files (large; ignored by git)
#   results/<run>-s<seed>.json `snnc prune --json` summaries
#   logs/<run>-s<seed>.log     progress lines
#   environment.txt            snnc version, git commit, machine
#   report.html     made by snnc report from results/*.json (plots and their tables, docs/REPORT.md;
#                   `snnc report results/*.json --json` prints the same data)
#
# Sizing (measured: ~150 training images/s for VGG16/8 at T = 5 on an idle 2-core machine,
# 45 img/s when builds share it). One IMP search to round 8 trains 9 rounds × EPOCHS ×
# TRAIN_SUBSET images ≈ 9 × 3 × 10000 = 270k images ≈ 0.5 h idle; IMP+ET less (the search
# runs at T_early); EB, EB+ET, SNIP, random and transfer ≈ 10–20 min each. Defaults were
# chosen after a first attempt with 5000 images × 6 epochs, lr 0.3, per-step BatchNorm
# statistics and augmentation reached only 65.42% dense (log kept in the report's notes).
#
# Settings are environment variables:
#   TOY=1            end-to-end check on the bundled fixtures in a few minutes
#   OUT SNNC DATA_DIR MODEL WIDTH TIME_STEPS TRAIN_SUBSET TEST_SUBSET EPOCHS BATCH LR
#   ROUNDS           IMP rounds (8 → 89.91%; 11 → 95.69%; 14 → 98.13%)
#   REPORT_ROUNDS    rounds reported by imp / imp+et (retrained at T) / transfer (default 4,8)
#   IMP_EXTEND       after everything else, take the imp searches of SEEDS on to these
#                    reported rounds with `snnc prune --resume --rounds` (default 4,8,11;
#                    empty: no extension). Log: logs/imp-s<seed>-extend.log
#   EB_TARGETS       early-bird, SNIP and random targets in % (default 68.30,89.91)
#   EB_CHECKS        early-bird mask checks per epoch of the main EB rows (default 4)
#   ET_PROBE_EPOCHS  epochs before the early-time probe (default 1: rounds are short)
#   SEEDS            seeds of the headline rows imp, imp+et, eb, eb+et (default "0 1")
#   BASELINE_SEEDS   seeds of snip, random, transfer, eb-c1 (default "0")
#   ONLY             run only these runs, e.g. ONLY="imp eb" (names below)
#   TRAIN_FLAGS      extra training flags for every search
#                    (default "--no-augment --bn-statistics pooled")
#   THREADS          BLAS threads (default 2)   SKIP_BUILD=1 to use an existing $SNNC
#   COMMIT=1         git-commit each finished search's results (see above)
#
# The same 12 searches (default settings) are a sweep file, experiments/repro/sweep.toml: run it
# with `snnc sweep run` here or `snnc sweep slurm --submit` on a cluster (docs/SWEEP.md); both
# write the same tickets/<run>-s<seed>.h5 files as this script, so either continues the other.
#
# Order: every method for the first seed (the headline rows, then the baselines), then the
# headline rows for the other seeds, then the early-bird check-cadence ablation (eb-c1), so
# that a partial run already covers every method and the headline rows' second seed; last, the
# IMP searches go on to IMP_EXTEND's last round.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -n "${TOY:-}" ]]; then
    : "${OUT:=experiments/toy}" "${DATA_DIR:=fixtures/fashion-mnist}" "${TRAIN_SUBSET:=200}" "${TEST_SUBSET:=100}"
    : "${EPOCHS:=1}" "${ROUNDS:=2}" "${REPORT_ROUNDS:=1,2}" "${EB_TARGETS:=25,43.75}" "${SEEDS:=0}"
    : "${ET_PROBE_IMAGES:=100}" "${BATCH:=50}" "${IMP_EXTEND=1,2,3}"
fi
OUT=${OUT:-experiments/repro}
SNNC=${SNNC:-.build/release/snnc}
DATA_DIR=${DATA_DIR:-/usr/share/datasets/fashion-mnist}
MODEL=${MODEL:-vgg16}
WIDTH=${WIDTH:-0.125}
TIME_STEPS=${TIME_STEPS:-5}
TRAIN_SUBSET=${TRAIN_SUBSET:-10000}
TEST_SUBSET=${TEST_SUBSET:-5000}
EPOCHS=${EPOCHS:-3}
BATCH=${BATCH:-128}
LR=${LR:-0.1}
ROUNDS=${ROUNDS:-8}
REPORT_ROUNDS=${REPORT_ROUNDS:-4,8}
EB_TARGETS=${EB_TARGETS:-68.30,89.91}
EB_CHECKS=${EB_CHECKS:-4}
ET_PROBE_EPOCHS=${ET_PROBE_EPOCHS:-1}
ET_PROBE_IMAGES=${ET_PROBE_IMAGES:-1000}
SEEDS=${SEEDS:-0 1}
BASELINE_SEEDS=${BASELINE_SEEDS:-0}
IMP_EXTEND=${IMP_EXTEND-4,8,11}
THREADS=${THREADS:-2}
TRAIN_FLAGS=${TRAIN_FLAGS---no-augment --bn-statistics pooled}
ONLY=${ONLY:-}

# IMP rounds: the largest of ROUNDS and REPORT_ROUNDS, with the reported ones listed.
rounds_list="$REPORT_ROUNDS"
[[ ",$REPORT_ROUNDS," == *",$ROUNDS,"* ]] || rounds_list="$REPORT_ROUNDS,$ROUNDS"

if [[ -z "${SKIP_BUILD:-}" ]]; then
    swift build -c release --product snnc
fi
mkdir -p "$OUT/tickets" "$OUT/results" "$OUT/logs"
{
    echo "snnc $("$SNNC" --version)"
    echo "commit $(git rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine $(uname -srm), $(nproc) cores"
    echo "settings MODEL=$MODEL WIDTH=$WIDTH T=$TIME_STEPS TRAIN_SUBSET=$TRAIN_SUBSET TEST_SUBSET=$TEST_SUBSET EPOCHS=$EPOCHS BATCH=$BATCH LR=$LR ROUNDS=$rounds_list EB_TARGETS=$EB_TARGETS EB_CHECKS=$EB_CHECKS ET_PROBE_EPOCHS=$ET_PROBE_EPOCHS TRAIN_FLAGS=\"$TRAIN_FLAGS\" SEEDS=$SEEDS BASELINE_SEEDS=$BASELINE_SEEDS"
} > "$OUT/environment.txt"

common=(--model "$MODEL" --width "$WIDTH" --time-steps "$TIME_STEPS" --dataset fmnist --data-dir "$DATA_DIR"
        --train-subset "$TRAIN_SUBSET" --test-subset "$TEST_SUBSET" --epochs-per-round "$EPOCHS"
        --batch-size "$BATCH" --lr "$LR" --threads "$THREADS")
read -r -a train_flags <<< "$TRAIN_FLAGS"
common+=("${train_flags[@]}")
et=(--et-probe-epochs "$ET_PROBE_EPOCHS" --et-probe-images "$ET_PROBE_IMAGES")

# The report of every finished summary (run from $OUT, so the page names results/<run>.json).
report() {
    local bin
    bin=$(realpath "$(command -v "$SNNC")")
    (cd "$OUT" && "$bin" report results/*.json --title "Lottery tickets in SNNs: reduced reproduction" -o report.html)
}

# run NAME SEED ARGS…: one search, resumed if its ticket file exists, skipped if finished.
run() {
    local name=$1 seed=$2; shift 2
    local id="$name-s$seed"
    if [[ -n "$ONLY" && " $ONLY " != *" $name "* ]]; then return; fi
    local ticket="$OUT/tickets/$id.h5" json="$OUT/results/$id.json" log="$OUT/logs/$id.log"
    if [[ -f "$json" ]] && grep -q '"complete" : true' "$json"; then
        echo "== $id: finished, skipped"
        return
    fi
    echo "== $id ($(date -u +%H:%M:%S)), log: $log"
    if [[ -f "$ticket" ]]; then
        "$SNNC" prune --resume -o "$ticket" --threads "$THREADS" --json > "$json.tmp" 2>> "$log"
    else
        "$SNNC" prune "${common[@]}" --seed "$seed" "$@" -o "$ticket" --json > "$json.tmp" 2>> "$log"
    fi
    mv "$json.tmp" "$json"
    tail -n 1 "$log"
    if [[ -n "${COMMIT:-}" ]]; then
        report
        git add "$OUT/results" "$OUT/logs" "$OUT/environment.txt" "$OUT/report.html"
        git commit --quiet -m "reproduction: $id finished ($(date -u +%Y-%m-%dT%H:%MZ))" || true
    fi
}

headline() {
    local seed=$1
    run imp "$seed" --method imp --rounds "$rounds_list"
    run imp+et "$seed" --method imp+et --rounds "$rounds_list" "${et[@]}"
    run eb "$seed" --method eb --sparsity "$EB_TARGETS" --eb-checks-per-epoch "$EB_CHECKS"
    run eb+et "$seed" --method eb+et --sparsity "$EB_TARGETS" --eb-checks-per-epoch "$EB_CHECKS" "${et[@]}"
}
baselines() {
    local seed=$1
    run snip "$seed" --method snip --sparsity "$EB_TARGETS"
    run random "$seed" --method random --sparsity "$EB_TARGETS"
    run transfer "$seed" --method transfer --rounds "$REPORT_ROUNDS"
}
# The IMP search of SEED taken on to IMP_EXTEND's rounds (a killed extension resumes with the
# same command; an extended file is skipped).
extend() {
    local id="imp-s$1"
    local ticket="$OUT/tickets/$id.h5" json="$OUT/results/$id.json" log="$OUT/logs/$id-extend.log"
    if [[ -z "$IMP_EXTEND" || ! -f "$ticket" ]] || [[ -n "$ONLY" && " $ONLY " != *" imp "* ]]; then return; fi
    if grep -q -- "--rounds $IMP_EXTEND " "$json" && grep -q '"complete" : true' "$json"; then
        echo "== $id extended, skipped"
        return
    fi
    echo "== $id to rounds $IMP_EXTEND ($(date -u +%H:%M:%S)), log: $log"
    "$SNNC" prune --resume --rounds "$IMP_EXTEND" -o "$ticket" --threads "$THREADS" --json > "$json.tmp" 2>> "$log"
    mv "$json.tmp" "$json"
    tail -n 1 "$log"
    if [[ -n "${COMMIT:-}" ]]; then
        report
        git add "$OUT/results" "$OUT/logs" "$OUT/report.html"
        git commit --quiet -m "reproduction: $id extended to rounds $IMP_EXTEND ($(date -u +%Y-%m-%dT%H:%MZ))" || true
    fi
}
# Ablation: early-bird with one mask check per epoch instead of EB_CHECKS.
ablations() {
    local seed=$1
    run eb-c1 "$seed" --method eb --sparsity "$EB_TARGETS" --eb-checks-per-epoch 1
}
read -r -a seeds <<< "$SEEDS"
read -r -a baseline_seeds <<< "$BASELINE_SEEDS"
headline "${seeds[0]}"
for seed in "${baseline_seeds[@]}"; do baselines "$seed"; done
for seed in "${seeds[@]:1}"; do headline "$seed"; done
for seed in "${baseline_seeds[@]}"; do ablations "$seed"; done
for seed in "${seeds[@]}"; do extend "$seed"; done

report
echo "Report: $OUT/report.html"
