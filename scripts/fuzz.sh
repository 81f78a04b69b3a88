#!/usr/bin/env bash
# Runs snnc's libFuzzer targets (docs/HARDENING.md) for a fixed time each, under the address
# sanitizer, at low priority.
#
#   scripts/fuzz.sh [seconds-per-target] [target…]     targets: toml idx (default: all)
#
# Each target is compiled with `swiftc -sanitize=fuzzer,address` from the library sources it
# exercises plus fuzz/targets/<target>.swift, into $FUZZ_DIR (default .build/fuzz, inside the repository; the normal
# .build is untouched). The committed seeds in fuzz/corpus/<target>/ are read, never written: new
# inputs go to $FUZZ_DIR/corpus-<target>/, crashes to $FUZZ_DIR/crashes-<target>/ (copy a crash
# into a regression test, then fix it). Exit status: non-zero if any target found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(toml idx)
dir=${FUZZ_DIR:-.build/fuzz}
mkdir -p "$dir"

sources() {
    case "$1" in
    toml) echo Sources/SNNCompiler/TOML/*.swift ;;
    idx) echo Sources/SNNData/IDXReader.swift Sources/SNNData/DataError.swift Sources/SNNData/FileIO.swift ;;
    *) echo "unknown fuzz target '$1' (known: toml idx)" >&2; exit 64 ;;
    esac
}

status=0
for target in "${targets[@]}"; do
    binary="$dir/fuzz-$target"
    # shellcheck disable=SC2046
    nice -n 10 swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz_$target" \
        -I Sources/CZlib $(sources "$target") "fuzz/targets/$target.swift" -o "$binary" 2>&1 |
        grep -v "Cannot export local symbol" || true
    [ -x "$binary" ] || { echo "fuzz: building $target failed" >&2; exit 1; }
    mkdir -p "$dir/corpus-$target" "$dir/crashes-$target"
    echo "fuzz: $target for ${seconds}s"
    if ! nice -n 10 "$binary" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$dir/crashes-$target/" \
        "$dir/corpus-$target" "fuzz/corpus/$target" >"$dir/log-$target.txt" 2>&1; then
        status=1
        echo "fuzz: $target FOUND A CRASH (log: $dir/log-$target.txt, input in $dir/crashes-$target/)" >&2
        grep -m 5 -E "ERROR|Fatal error|SUMMARY" "$dir/log-$target.txt" >&2 || true
    fi
    runs=$(grep -m 1 -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log-$target.txt" | grep -o '[0-9]*$' || echo "?")
    rate=$(grep -m 1 -o 'stat::average_exec_per_sec: *[0-9]*' "$dir/log-$target.txt" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz: $target: $runs executions, $rate per second, corpus $(ls "$dir/corpus-$target" | wc -l) inputs"
done
exit $status
