#!/usr/bin/env bash
# Training and inference steps of two snnc-bench builds, alternating (old/new, then new/old), one
# thread, 3 rounds; prints one JSON line per run: {"round", "config", "side", "result"}.
#   Benchmarks/pair-steps.sh OLD_BENCH NEW_BENCH [CONFIG ...] > steps.jsonl
# CONFIG: dense (vgg16-paper-w8) or levelK (experiments/repro2/tickets/imp-s0.h5 level K; TICKET
# overrides the file); default: dense level8 level14. Running `snnc prune` processes (a repro2
# stage) are paused with SIGSTOP meanwhile and continued at exit.
set -u
[ $# -ge 2 ] || { echo "usage: $0 OLD_BENCH NEW_BENCH [CONFIG ...]" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
shift 2
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(dense level8 level14)
cd "$(dirname "$0")/.."
ticket=${TICKET:-experiments/repro2/tickets/imp-s0.h5}
pids=$(pgrep -f "snnc prune" | tr '\n' ' ')
[ -n "$pids" ] && kill -STOP $pids
trap '[ -n "$pids" ] && kill -CONT $pids' EXIT
for round in 1 2 3; do
    for config in "${configs[@]}"; do
        case $config in
            dense) args=(vgg16-paper-w8 --threads 1 --warmup 2 --iters 6) ;;
            level*) args=(--ticket "$ticket" --level "${config#level}" --threads 1 --warmup 2 --iters 8) ;;
            *) echo "pair-steps: unknown config '$config'" >&2; exit 2 ;;
        esac
        if [ $((round % 2)) -eq 1 ]; then order="old new"; else order="new old"; fi
        for side in $order; do
            if [ "$side" = old ]; then bench=$old; else bench=$new; fi
            out=$("$bench" "${args[@]}" 2>/dev/null | tail -1)
            echo "{\"round\":$round,\"config\":\"$config\",\"side\":\"$side\",\"result\":$out}"
        done
    done
done
