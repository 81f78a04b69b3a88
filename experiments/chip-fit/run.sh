#!/usr/bin/env bash
# Runs the chip-fit searches one after another (resuming any that stopped) and writes each one's
# `snnc inspect --json` summary to results/<run>.json and its log to logs/<run>.log as it finishes. Usage, in this folder:
#   SNNC=/path/to/snnc nohup nice -n 10 ./run.sh [run …] > tickets/run.out 2>&1 &
# With no run named, every run of sweep.toml in file order. The edge32 search without channel
# pruning (it stops at level 0) is run once here too, its error kept in results/edge32-global.txt.
set -uo pipefail
cd "$(dirname "$0")"
SNNC=${SNNC:-snnc}
export SNNC_TARGETS=${SNNC_TARGETS:-$(cd ../../targets && pwd)}
mkdir -p tickets/logs results logs
runs=("$@")
if [ ${#runs[@]} -eq 0 ]; then
    runs=(edge-global edge-chip edge32-structured-global edge32-structured-chip)
fi
if [ ! -e results/edge32-global.txt ]; then
    "$SNNC" prune --from ../repro2/tickets/dense-s0.h5 --method imp --until-fits --target edge32.toml \
        --calibration-images 256 --validation-subset 5000 --threads 2 -o tickets/edge32-global.h5 \
        > results/edge32-global.txt 2>&1
    echo "exit status $?" >> results/edge32-global.txt
fi
for run in "${runs[@]}"; do
    echo "$(date -u +%FT%TZ) start $run"
    if "$SNNC" sweep run sweep.toml -j 1 --run "$run"; then
        "$SNNC" inspect "tickets/$run.h5" --json > "results/$run.json.tmp" && mv "results/$run.json.tmp" "results/$run.json"
        # The log without its progress-bar lines (committed; the raw one stays in tickets/logs).
        tr '\r' '\n' < "tickets/logs/$run.log" | grep -v '\] *loss\|ETA' > "logs/$run.log"
        echo "$(date -u +%FT%TZ) done $run"
    else
        echo "$(date -u +%FT%TZ) failed $run (see tickets/logs/$run.log)"
    fi
done
