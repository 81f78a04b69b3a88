#!/usr/bin/env bash
# Alternating old (5642f17, the pin) / new (5642f17 + BN handed to LIF, 7045621) snnc-bench,
# one thread; the repro2 searches paused meanwhile.
set -u
pids=$(pgrep -f "snnc prune")
[ -n "$pids" ] && kill -STOP $pids
trap '[ -n "$pids" ] && kill -CONT $pids' EXIT
T=/work/main/experiments/repro2/tickets/imp-s0.h5
for round in 1 2 3; do
  for config in dense level8 level14; do
    case $config in
      dense) args="vgg16-paper-w8 --threads 1 --warmup 2 --iters 6" ;;
      level8) args="--ticket $T --level 8 --threads 1 --warmup 2 --iters 8" ;;
      level14) args="--ticket $T --level 14 --threads 1 --warmup 2 --iters 8" ;;
    esac
    if [ $((round % 2)) -eq 1 ]; then order="old new"; else order="new old"; fi
    for side in $order; do
      if [ $side = old ]; then B=/work/wt/lif/.build/release/snnc-bench; else B=/work/wt/fusion/.build/release/snnc-bench; fi
      # shellcheck disable=SC2086
      out=$($B $args 2>/dev/null | tail -1)
      echo "{\"round\":$round,\"config\":\"$config\",\"side\":\"$side\",\"result\":$out}"
    done
  done
done
