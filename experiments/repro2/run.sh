#!/usr/bin/env bash
# Runs repro2's stages (README.md, "Stages") in order, grouped into steps (the `steps` below), each
# resumed where it stopped (finished runs are skipped in seconds). After each step, and every
# RUN_SAVE_SECONDS (default 1800) while a step runs, it collects what has finished — results/<run>.json
# and logs/<run>.log per finished search, results/{dense,searches,fig3}.{csv,json}, report.html and
# results/claims.md — and saves the state of the runs not finished (checkpoints/, below). It commits
# nothing: commit results/, logs/, report.html and checkpoints/ as runs finish and before a session
# ends.
# Usage, in this folder:
#   mkdir -p tickets && nohup nice -n 10 ./run.sh [LAST] > tickets/run.out 2>&1 &
# SNNC (default: the binary of the commit in environment.txt, built by pinned-snnc.sh when missing)
# is the snnc to run; SNNC_REPORT (default: SNNC) the one that writes report.html.
# LAST (default 13) is the last stage to run: of each step, only the runs of stages up to LAST.
# Stop before a decision point (README.md, "Decisions on the way": `./run.sh 6`, then check Grad
# R's α bracket before stage 10). `./run.sh collect` only collects (e.g. before committing while a
# step still runs).
#
# tickets/ is not in git, and a new machine starts without it. checkpoints/ is: `./run.sh save`
# copies there the ticket file and log of every run not yet collected (finished or partial), and
# every start of run.sh first copies back what tickets/ lacks, so a search continues on another
# machine from its last saved epoch (the same bits on the same CPU type). Once a run is collected (a row of
# results/*.csv), its results live in results/ and logs/: save drops its checkpoint (git keeps the
# ticket files small in number), later collections are merged into the committed ones
# (merge-collection.py), and a step starts only its runs not collected yet.
set -uo pipefail
cd "$(dirname "$0")"
last=${1:-13}
case $last in
    save | collect) ;;
    *[!0-9]* | '') echo "run.sh: LAST must be a stage number (1-13), 'collect' or 'save', not '$last'" >&2; exit 2 ;;
esac
mkdir -p tickets/logs results logs checkpoints/logs

# Whether run $1 is a row of a collection in results/ (results/*.csv, first column).
collected() { tail -q -n +2 results/*.csv 2>/dev/null | cut -d, -f1 | grep -qx -- "$1"; }

# Ticket files are kept in checkpoints/ as parts of at most 4 MiB (`<run>.h5.part-00`, -01, …),
# so no committed file is large; `parts_of` names a run's parts in order.
parts_of() { ls "checkpoints/$1.h5.part-"* 2>/dev/null; }

# checkpoints/ → tickets/: every saved file of a run not yet collected that tickets/ does not have
# (a file there is newer).
restore() {
    local part run saved name
    for part in checkpoints/*.h5.part-00; do
        [ -e "$part" ] || continue
        run=$(basename "$part" .h5.part-00)
        collected "$run" && continue
        if [ ! -e "tickets/$run.h5" ]; then
            # shellcheck disable=SC2046
            cat $(parts_of "$run") > "tickets/$run.h5.restoring" && mv "tickets/$run.h5.restoring" "tickets/$run.h5"
            echo "restored tickets/$run.h5 from checkpoints/$run.h5.part-*"
        fi
    done
    for saved in checkpoints/logs/*.log; do
        [ -e "$saved" ] || continue
        name=${saved#checkpoints/}
        collected "$(basename "$name" .log)" && continue
        [ -e "tickets/$name" ] || { cp "$saved" "tickets/$name"; echo "restored tickets/$name"; }
    done
}

# tickets/ → checkpoints/: the ticket file of every run not yet collected (replaced by rename after
# every epoch, so a copy is one consistent epoch), split into parts, and its log without the
# progress-bar lines. A collected run's checkpoint is deleted: its results are in results/ and
# logs/, and the merged collections keep it after its ticket file is gone.
save() {
    local file run
    for file in checkpoints/*.h5.part-00; do
        [ -e "$file" ] || continue
        run=$(basename "$file" .h5.part-00)
        if collected "$run"; then
            # shellcheck disable=SC2046
            rm -f $(parts_of "$run") "checkpoints/logs/$run.log"
            echo "dropped checkpoints/$run (collected)"
        fi
    done
    for file in tickets/*.h5; do
        [ -e "$file" ] || continue
        run=$(basename "$file" .h5)
        collected "$run" && continue
        # shellcheck disable=SC2046
        if [ -n "$(parts_of "$run")" ] && cat $(parts_of "$run") | cmp -s - "$file"; then continue; fi
        rm -rf "checkpoints/$run.saving" && mkdir "checkpoints/$run.saving"
        cp "$file" "checkpoints/$run.saving/$run.h5"
        split -b 4M -d -a 2 "checkpoints/$run.saving/$run.h5" "checkpoints/$run.saving/$run.h5.part-"
        rm -f "checkpoints/$run.saving/$run.h5" checkpoints/"$run".h5 $(parts_of "$run")
        mv "checkpoints/$run.saving/"* checkpoints/ && rmdir "checkpoints/$run.saving"
        echo "saved checkpoints/$run.h5.part-*"
    done
    for file in tickets/logs/*.log; do
        [ -e "$file" ] || continue
        run=$(basename "$file" .log)
        collected "$run" && continue
        clean_log "$run" > "checkpoints/logs/$run.log.saving"
        if cmp -s "checkpoints/logs/$run.log.saving" "checkpoints/logs/$run.log"; then
            rm "checkpoints/logs/$run.log.saving"
        else
            mv "checkpoints/logs/$run.log.saving" "checkpoints/logs/$run.log"
        fi
    done
}

# Steps, in the order they run. A step is one `sweep run` ("file|-j|run …", runs started in the
# order listed as slots free), or several run side by side (parts joined by ";"), so no core
# waits for the last run of a stage: stage 5 puts three runs on two slots, stage 13's 14-round
# imp+et-t3-s0 would leave its short eb-c1-s0's core idle for hours, so it runs beside stage 12's
# ten short one-shot runs. Long runs first; stages 12 and 13 (the optional extras) last. Of each
# step, only the runs of stages up to LAST run; a run's stage is claimslib/plan.py's `stage_of`
# (the same mapping claims.md's "not yet run (stage N)" notes use).
steps=(
    "dense.toml|1|dense-s0 dense-s1 dense-s2"
    "sweep.toml|2|imp-s0 imp+et-s0"
    "sweep.toml|2|transfer-s0 eb-s0 eb+et-s0 snip-s0 random-s0 deepr-s0 gradr-a1e-4-s0 gradr-a2e-4-s0 gradr-a5e-4-s0 gradr-a1e-3-s0 gradr-a2e-3-s0 gradr-a5e-3-s0"
    "fig3.toml|2|oneshot-pre5-post5 oneshot-pre4-post5 oneshot-pre3-post5 oneshot-pre2-post5 oneshot-pre1-post5"
    "sweep.toml|2|imp-s1 imp+et-s1 imp-s2 imp+et-s2 eb-s1 eb+et-s1 eb-s2 eb+et-s2 deepr-s1 deepr-s2 gradr-a2e-4-s1 gradr-a5e-4-s1 gradr-a1e-3-s1 gradr-a2e-3-s1 gradr-a5e-3-s1 gradr-a2e-4-s2 gradr-a5e-4-s2 gradr-a1e-3-s2 gradr-a2e-3-s2 gradr-a5e-3-s2"
    "sweep.toml|1|imp+et-t3-s0 eb-c1-s0;fig3.toml|1|oneshot-pre4-post4 oneshot-pre3-post4 oneshot-pre2-post4 oneshot-pre1-post4 oneshot-pre3-post3 oneshot-pre2-post3 oneshot-pre1-post3 oneshot-pre2-post2 oneshot-pre1-post2 oneshot-pre1-post1"
)

# A committed log, on stdout: run $1's raw log without its progress-bar lines.
clean_log() { tr '\r' '\n' < "tickets/logs/$1.log" | grep -v '\] *loss\|ETA'; }

# `sweep collect FILE`, merged into results/OUT (merge-collection.py: the runs collected before,
# whose ticket files may be gone, stay) when at least one of its runs has a ticket file here.
collect_file() {
    local staging=tickets/collect
    mkdir -p "$staging"
    if ! "$SNNC" sweep collect "$1" -o "$staging/$2" 2>&1 | grep -q ': 0 of '; then
        python3 merge-collection.py "$staging/$2" "results/$2"
    fi
    rm -f "$staging/$2"
}

collect() {
    collect_file dense.toml dense.csv
    collect_file sweep.toml searches.csv
    collect_file sweep.toml searches.json
    collect_file fig3.toml fig3.csv
    collect_file fig3.toml fig3.json
    # Every finished run (first column of the collections): its log, and a search's own summary.
    local run
    for run in $(tail -q -n +2 results/*.csv 2>/dev/null | cut -d, -f1 | sort -u); do
        [ -e "tickets/logs/$run.log" ] && clean_log "$run" > "logs/$run.log"
        if [ -e "tickets/$run.h5" ] && [[ $run != dense-* && $run != oneshot-* ]] \
            && "$SNNC" inspect "tickets/$run.h5" --json > "results/$run.json.tmp"; then
            mv "results/$run.json.tmp" "results/$run.json"
        else
            rm -f "results/$run.json.tmp"
        fi
    done
    # The report from every collection there is, with $SNNC_REPORT when set (the pinned binary
    # predates report's Fig. 3 plot: a current build adds it; report only reads the collections).
    local inputs=() file
    for file in results/searches.json results/fig3.json; do [ -s "$file" ] && inputs+=("$file"); done
    if [ ${#inputs[@]} -gt 0 ]; then "${SNNC_REPORT:-$SNNC}" report "${inputs[@]}" -o report.html; fi
    python3 claims.py
}

# collect and save under one lock: the end of a step and the periodic saver never overlap.
collect_and_save() { (flock 9 && { collect; save; }) 9> tickets/.collect.lock; }

# Every RUN_SAVE_SECONDS (default 1800) while steps run: a step can run for a day, and a machine
# can be lost.
saver() {
    while sleep "${RUN_SAVE_SECONDS:-1800}"; do
        echo "$(date -u +%FT%TZ) periodic collect and save"
        collect_and_save
    done
}

# "stage run" for each run named, in order: the stage (README.md, "Stages") from
# claimslib/plan.py's `stage_of`; fails on a run it does not know.
stages_of() {
    python3 - "$@" <<'PY'
import sys
sys.path.insert(0, ".")
from claimslib.plan import stage_of
for run in sys.argv[1:]:
    stage = stage_of(run)
    if stage is None:
        sys.exit(f"run.sh: no stage for run '{run}' (claimslib/plan.py, stage_of)")
    print(stage, run)
PY
}

# The `sweep run` arguments of one part ("file|jobs|run …") for its runs of stages up to LAST not
# collected yet (a collected run's ticket file may be gone: a new machine), in `part` (empty when
# none is left); adds the part's stages up to LAST to `step_stages`.
part_args() {
    local file jobs names staged stage run runs=()
    IFS='|' read -r file jobs names <<< "$1"
    part=""
    # shellcheck disable=SC2086  # run names: no spaces or patterns
    staged=$(stages_of $names) || exit 1
    while read -r stage run; do
        [ "$stage" -le "$last" ] || continue
        [[ " ${step_stages[*]-} " == *" $stage "* ]] || step_stages+=("$stage")
        collected "$run" || runs+=(--run "$run")
    done <<< "$staged"
    [ ${#runs[@]} -eq 0 ] || part="$file -j $jobs ${runs[*]}"
}

[ "$last" = save ] && { save; exit; }
# Every run of every step has a stage before anything starts or builds (a typo stops run.sh here,
# not hours in).
# shellcheck disable=SC2046  # run names: no spaces or patterns
stages_of $(printf '%s\n' "${steps[@]}" | tr ';' '\n' | cut -d'|' -f3) > /dev/null || exit 1
if [ -z "${SNNC:-}" ]; then
    # The binary of the pinned commit (environment.txt), built when missing.
    SNNC=$(./pinned-snnc.sh) || { echo "run.sh: no pinned snnc binary (pinned-snnc.sh failed)" >&2; exit 1; }
fi
[ "$last" = collect ] && { collect; exit; }
restore
saver &
saver_pid=$!
trap 'kill "$saver_pid" 2>/dev/null' EXIT
trap 'exit 143' TERM INT HUP

for entry in "${steps[@]}"; do
    step_stages=()
    commands=()
    IFS=';' read -ra parts <<< "$entry"
    for p in "${parts[@]}"; do
        part_args "$p"
        [ -z "$part" ] || commands+=("$part")
    done
    [ ${#step_stages[@]} -gt 0 ] || continue
    label="stages $(printf '%s\n' "${step_stages[@]}" | sort -n | paste -sd,)"
    if [ ${#commands[@]} -eq 0 ]; then
        echo "$(date -u +%FT%TZ) $label: every run collected already (results/*.csv); skipped"
        continue
    fi
    # A sweep runs all its runs even when one fails; a failure stops run.sh when the step ends.
    pids=()
    for command in "${commands[@]}"; do
        echo "$(date -u +%FT%TZ) $label: $SNNC sweep run $command"
        # shellcheck disable=SC2086  # file, -j, jobs and --run names: no spaces or patterns
        "$SNNC" sweep run $command &
        pids+=("$!")
    done
    failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    collect_and_save
    if [ "$failed" = 1 ]; then
        echo "$(date -u +%FT%TZ) $label: a run failed (its log is named above); stopping"
        exit 1
    fi
    echo "$(date -u +%FT%TZ) $label finished"
done
