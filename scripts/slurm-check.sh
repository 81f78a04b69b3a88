#!/usr/bin/env bash
# End-to-end check of `snnc sweep slurm` on a real one-node Slurm cluster (scripts/slurm-local.sh):
#   1. submits experiments/slurm/toy.toml (4 toy prune runs on the fixtures) as one job array with
#      `snnc sweep slurm --submit`;
#   2. kills two runs mid-way with scancel once they have stored a level: the first is requeued
#      (`scontrol requeue`, as after a node failure or preemption), the second is left cancelled
#      and picked up by submitting the sweep again (`sweep slurm --submit` sends only unfinished runs);
#   3. waits for the array, runs the same sweep file with `snnc sweep run -j 2` in another folder,
#      and checks that `snnc sweep collect` gives byte-identical CSVs (accuracies, sparsities, work
#      and every level's weights SHA-256), and that both killed runs resumed.
# Needs root (the daemons run as root, no cgroups); installs slurmd, slurmctld, slurm-client and
# munge with apt-get when missing. Called by scripts/test.sh; SNNC_SLURM=0 skips it. A non-root run
# is skipped with a note unless SNNC_SLURM=1 (then it fails). SNNC: the snnc binary (default: the
# debug build). Work folder: .build/slurm-check/. Recorded output: experiments/slurm/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SNNC_SLURM:-}" = "0" ]; then
    echo "slurm-check: skipped (SNNC_SLURM=0)" >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    if [ "${SNNC_SLURM:-}" = "1" ]; then
        echo "slurm-check: SNNC_SLURM=1 but not root; the local Slurm daemons need root" >&2
        exit 1
    fi
    echo "slurm-check: skipped (not root: the one-node Slurm cluster runs its daemons as root; SNNC_SLURM=0 silences this)" >&2
    exit 0
fi
started=$(date +%s)
SNNC=${SNNC:-$(swift build --show-bin-path)/snnc}
SNNC=$(realpath "$SNNC")
[ -x "$SNNC" ] || { echo "slurm-check: no snnc binary at $SNNC (run swift build first)" >&2; exit 1; }

fail() {
    echo "slurm-check: FAILED: $*" >&2
    exit 1
}
say() { echo "slurm-check: $*" >&2; }

trap 'scripts/slurm-local.sh stop' EXIT
scripts/slurm-local.sh start
eval "$(scripts/slurm-local.sh env)"

work=.build/slurm-check
rm -rf "$work"
mkdir -p "$work/local" "$work/slurm"
for side in local slurm; do
    sed "s|\.\./\.\./fixtures|$PWD/fixtures|" experiments/slurm/toy.toml > "$work/$side/toy.toml"
done
sweep="$work/slurm/toy.toml"

# Waits (up to $2 seconds) until run $1 has stored at least one level and is still running.
wait_mid_way() {
    local run=$1 limit=$2 t=0 detail
    while [ "$t" -lt $((limit * 4)) ]; do
        detail=$("$SNNC" sweep status "$sweep" --json | python3 -c "
import json, sys
for r in json.load(sys.stdin):
    if r['name'] == '$run': print(r['state'], r.get('slurm') or '-', r['detail'])")
        case "$detail" in
            finished*) fail "$run finished before it could be killed" ;;
            "partial RUNNING"*" 0 levels"*) ;;
            "partial RUNNING"*) echo "$detail"; return 0 ;;
        esac
        sleep 0.25
        t=$((t + 1))
    done
    fail "$run did not reach a stored level within ${limit}s (last: $detail)"
}

wait_queue_empty() {
    local limit=$1 t=0
    while [ -n "$(squeue --noheader)" ]; do
        [ "$t" -lt "$limit" ] || fail "jobs still queued after ${limit}s: $(squeue --noheader --array)"
        sleep 2
        t=$((t + 2))
    done
}

say "submitting $sweep"
job=$("$SNNC" sweep slurm "$sweep" --cpus-per-task 1 --submit)
say "job $job"
say "imp-s0 (task 0) mid-way: $(wait_mid_way imp-s0 120)"
scancel "${job}_0"
say "random-s0 (task 1) mid-way: $(wait_mid_way random-s0 120)"
scancel "${job}_1"
# Both tasks end CANCELLED (COMPLETING while their processes stop), and no process of a cancelled
# run outlives its job (Slurm kills what is left after KillWait, 5 s here).
for t in $(seq 1 60); do
    states=$(for task in 0 1; do scontrol show job "${job}_$task" | grep -o 'JobState=[A-Z]*' || echo "JobState=?"; done | tr '\n' ' ')
    left=$(ps -eo pid,ppid,stat,args | grep -E "toy-runs/(imp|random)-s0\.h5" | grep -v grep || true)
    [ "$states" = "JobState=CANCELLED JobState=CANCELLED " ] && [ -z "$left" ] && break
    [ "$t" -lt 60 ] || fail "15 s after scancel: tasks 0 and 1 are $states(want CANCELLED); processes left:
${left:-none}"
    sleep 0.25
done
"$SNNC" sweep status "$sweep"
say "requeueing task 0 (scontrol requeue ${job}_0); task 1 stays cancelled"
scontrol requeue "${job}_0"
say "waiting for the array (Slurm holds a requeued task for cred_expire, 20 s here, before it starts again)"
wait_queue_empty 600
"$SNNC" sweep status "$sweep"
say "submitting the sweep again: only the cancelled run should go"
second=$("$SNNC" sweep slurm "$sweep" --cpus-per-task 1 --submit 2> "$work/second-submit.txt")
cat "$work/second-submit.txt" >&2
grep -q "array 1 (1 of 4 runs)" "$work/second-submit.txt" || fail "the second submission did not send exactly run 1"
wait_queue_empty 300
"$SNNC" sweep status "$sweep"
"$SNNC" sweep slurm "$sweep" --submit 2>&1 | grep -q "nothing to submit" || fail "a finished sweep was submitted again"
[ "$("$SNNC" sweep status "$sweep" --json | grep -c '"state" : "finished"')" = 4 ] || fail "not every run finished on Slurm"
grep -q "restart 1" "$work/slurm/toy-runs/logs/slurm-${job}_0.out" || fail "task 0 did not run a second time"
grep -q "resuming 'toy-runs/imp-s0.h5'" "$work/slurm/toy-runs/logs/imp-s0.log" || fail "imp-s0 did not resume"
grep -q "resuming 'toy-runs/random-s0.h5'" "$work/slurm/toy-runs/logs/random-s0.log" || fail "random-s0 did not resume"
ls "$work/slurm/toy-runs/logs/slurm-${second}_1.out" > /dev/null || fail "no log of the second job"

say "the same sweep with 'snnc sweep run -j 2'"
"$SNNC" sweep run "$work/local/toy.toml" -j 2 2> "$work/local-run.txt" || { cat "$work/local-run.txt" >&2; fail "sweep run"; }
"$SNNC" sweep collect "$work/slurm/toy.toml" -o "$work/slurm.csv"
"$SNNC" sweep collect "$work/local/toy.toml" -o "$work/local.csv"
cmp "$work/slurm.csv" "$work/local.csv" || { diff "$work/slurm.csv" "$work/local.csv" >&2; fail "collect differs between Slurm and sweep run"; }
rows=$(($(wc -l < "$work/slurm.csv") - 1))
say "collect: identical CSVs ($rows levels of 4 runs, weights SHA-256 included); killed runs resumed to the same bits"
cut -d, -f1,4,5,10,16 "$work/slurm.csv" | sed 's/,\([0-9a-f]\{12\}\)[0-9a-f]*$/,\1…/' >&2
say "passed in $(($(date +%s) - started))s"
