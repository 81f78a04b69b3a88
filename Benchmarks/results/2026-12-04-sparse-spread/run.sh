#!/usr/bin/env bash
# Alternating old/new snnc-bench on repro2's imp-s0 ticket; the searches are paused meanwhile.
set -u
pids=$(pgrep -f "snnc prune")
kill -STOP $pids
trap 'kill -CONT $pids' EXIT
T=/work/main/experiments/repro2/tickets/imp-s0.h5
for round in 1 2 3; do
  for level in 8 11 14; do
    if [ $((round % 2)) -eq 1 ]; then order="old new"; else order="new old"; fi
    for side in $order; do
      if [ $side = old ]; then B=/work/wt/bnvec/.build/release/snnc-bench; else B=/work/wt/spread/.build/release/snnc-bench; fi
      out=$($B --ticket $T --level $level --threads 1 --warmup 2 --iters 8 2>/dev/null | tail -1)
      echo "{\"round\":$round,\"level\":$level,\"side\":\"$side\",\"result\":$out}"
    done
  done
done
