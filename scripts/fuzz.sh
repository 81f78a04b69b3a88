#!/usr/bin/env bash
# Runs snnc's libFuzzer targets (docs/HARDENING.md) for a fixed time each, under the address
# sanitizer, at low priority.
#
#   scripts/fuzz.sh [seconds-per-target] [target…]     targets: toml idx nir deployment tickets (default: all)
#
# toml and idx are compiled with `swiftc -sanitize=fuzzer,address` from the library sources they
# exercise plus fuzz/targets/<target>.swift. nir, deployment and tickets (compiled with the helpers
# they share, fuzz/support/*.swift) link snnc's library modules, each compiled once by `swiftc -wmo`
# with the same instrumentation (the C shim by clang) into $FUZZ_DIR/modules; they mutate a real
# file written by snnc (a model, its export, a ticket file), which this script makes with
# .build/debug/snnc (run `swift build` first) into $FUZZ_DIR/models. Everything goes into $FUZZ_DIR
# (default .build/fuzz, inside the repository; the normal .build is untouched). The committed seeds
# in fuzz/corpus/<target>/ are read, never written: new inputs go to $FUZZ_DIR/corpus-<target>/,
# crashes to $FUZZ_DIR/crashes-<target>/ (copy a crash into a regression test, then fix it). Exit
# status: non-zero if any target found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(toml idx nir deployment tickets)
dir=${FUZZ_DIR:-.build/fuzz}
mkdir -p "$dir"

sources() {
    case "$1" in
    toml) echo Sources/SNNCompiler/TOML/*.swift ;;
    idx) echo Sources/SNNData/IDXReader.swift Sources/SNNData/DataError.swift Sources/SNNData/FileIO.swift ;;
    nir | deployment | tickets) ;;
    *) echo "unknown fuzz target '$1' (known: toml idx nir deployment tickets)" >&2; exit 64 ;;
    esac
}

# The helpers in fuzz/support/ a structure-aware target is compiled with.
support() {
    case "$1" in
    nir) echo fuzz/support/Bytes.swift ;;
    deployment | tickets) echo fuzz/support/Bytes.swift fuzz/support/HDF5Mutations.swift ;;
    esac
}

# The library modules a target links, in dependency order (empty: the target compiles its sources).
modules() {
    case "$1" in
    deployment) echo SNNDiagnostics SNNIR SNNStore SNNFormat ;;
    nir) echo SNNDiagnostics SNNIR SNNStore SNNFormat SNNTensor SNNData SNNTrain SNNInterop ;;
    tickets) echo SNNDiagnostics SNNIR SNNStore SNNTensor SNNData SNNTrain SNNTickets SNNCompiler ;;
    esac
}

sanitize=(-sanitize=fuzzer,address)
cflags=(-I Sources/CHDF5 -I Sources/CBLAS -I Sources/CZlib -I "$dir/modules")
for flag in $(pkg-config --cflags hdf5 openblas zlib); do cflags+=(-Xcc "$flag"); done
libs=(-L "$(pkg-config --variable=libdir hdf5)" -lhdf5 -lopenblas -lz -ldnnl -lgomp)
for flag in $(pkg-config --libs-only-L hdf5 openblas); do libs+=("$flag"); done

# Compiles one library module (and the C shim) into $dir/modules, once per change of its sources.
build_module() {
    local m=$1 out="$dir/modules"
    mkdir -p "$out"
    if [ "$m" = SNNStore ] && [ ! -f "$out/hdf5_shim.o" -o Sources/HDF5Shim/hdf5_shim.c -nt "$out/hdf5_shim.o" ]; then
        mkdir -p "$out/HDF5Shim"
        printf 'module HDF5Shim {\n    header "%s"\n    export *\n}\n' "$PWD/Sources/HDF5Shim/include/hdf5_shim.h" \
            >"$out/HDF5Shim/module.modulemap"
        # shellcheck disable=SC2046
        nice -n 10 clang -O1 -g -fsanitize=address,fuzzer-no-link $(pkg-config --cflags hdf5) \
            -I Sources/HDF5Shim/include -c Sources/HDF5Shim/hdf5_shim.c -o "$out/hdf5_shim.o"
    fi
    # The DNNLShim C target: oneDNN's doorway and the event-driven convolution kernels.
    if [ "$m" = SNNTensor ] && [ ! -f "$out/dnnl_shim.o" -o -n "$(find Sources/DNNLShim -newer "$out/dnnl_shim.o" -type f 2>/dev/null | head -1)" ]; then
        mkdir -p "$out/DNNLShim"
        printf 'module DNNLShim {\n    umbrella "%s"\n    export *\n}\n' "$PWD/Sources/DNNLShim/include" \
            >"$out/DNNLShim/module.modulemap"
        nice -n 10 clang -O1 -g -fsanitize=address,fuzzer-no-link \
            -I Sources/DNNLShim/include -c Sources/DNNLShim/event_conv.c -o "$out/event_conv.o"
        nice -n 10 clang -O1 -g -fsanitize=address,fuzzer-no-link \
            -I Sources/DNNLShim/include -c Sources/DNNLShim/dnnl_shim.c -o "$out/dnnl_shim.o"
    fi
    local files
    files=$(find "Sources/$m" -name '*.swift' | sort)
    # shellcheck disable=SC2086
    if [ -f "$out/$m.o" ] && [ -z "$(find $files -newer "$out/$m.o" | head -1)" ]; then return; fi
    echo "fuzz: compiling module $m" >&2
    # shellcheck disable=SC2086
    nice -n 10 swiftc -O -g "${sanitize[@]}" -parse-as-library -wmo -module-name "$m" "${cflags[@]}" -I "$out/HDF5Shim" -I "$out/DNNLShim" \
        -emit-module -emit-module-path "$out/$m.swiftmodule" -c $files -o "$out/$m.o" 2>&1 |
        grep -v "Cannot export local symbol" || true
    [ -f "$out/$m.o" ] || { echo "fuzz: compiling $m failed" >&2; exit 1; }
}

# The real files the structure-aware targets start from: a tiny trained network, exported, and a
# tiny ticket search on the same data (2 IMP rounds checked against edge with a memory budget the
# dense level breaks, so its fit tables hold a fit and a violation; validation accuracies for
# best-fit).
make_models() {
    local out="$dir/models" snnc=.build/debug/snnc data=fixtures/fashion-mnist
    [ -f "$out/small.snn.h5" ] && [ -f "$out/small.nir" ] && [ -f "$out/small.tickets.h5" ] && return
    [ -x "$snnc" ] || { echo "fuzz: $snnc not found: run 'swift build' first" >&2; exit 1; }
    mkdir -p "$out"
    rm -f "$out/small.h5"
    "$snnc" train --model small --width 0.125 --time-steps 2 --data-dir "$data" --train-subset 60 --test-subset 20 \
        --batch-size 30 --epochs 1 -o "$out/small.h5" >/dev/null 2>&1
    "$snnc" export "$out/small.h5" --target edge --force -o "$out/small.snn.h5" >/dev/null
    "$snnc" export "$out/small.h5" --format nir --force -o "$out/small.nir" >/dev/null
    rm -f "$out/small.tickets.h5"
    "$snnc" prune --method imp --model small --width 0.125 --time-steps 2 --data-dir "$data" --train-subset 60 \
        --test-subset 20 --batch-size 30 --epochs-per-round 1 --rounds 2 --target edge --budget memory=20KiB \
        --validation-subset 20 -o "$out/small.tickets.h5" >/dev/null 2>&1
}

status=0
for target in "${targets[@]}"; do
    sources "$target" >/dev/null
    binary="$dir/fuzz-$target"
    linked=$(modules "$target")
    if [ -n "$linked" ]; then
        objects=("$dir/modules/hdf5_shim.o")
        for m in $linked; do
            build_module "$m"
            objects+=("$dir/modules/$m.o")
            [ "$m" != SNNTensor ] || objects+=("$dir/modules/dnnl_shim.o" "$dir/modules/event_conv.o")
        done
        make_models
        # shellcheck disable=SC2046
        nice -n 10 swiftc -O -g "${sanitize[@]}" -parse-as-library -module-name "Fuzz_$target" "${cflags[@]}" \
            -I "$dir/modules/HDF5Shim" -I "$dir/modules/DNNLShim" $(support "$target") "fuzz/targets/$target.swift" \
            "${objects[@]}" "${libs[@]}" -o "$binary" 2>&1 |
            grep -v "Cannot export local symbol" || true
    else
        # shellcheck disable=SC2046
        nice -n 10 swiftc -O -g "${sanitize[@]}" -parse-as-library -module-name "Fuzz_$target" \
            -I Sources/CZlib $(sources "$target") "fuzz/targets/$target.swift" -o "$binary" 2>&1 |
            grep -v "Cannot export local symbol" || true
    fi
    [ -x "$binary" ] || { echo "fuzz: building $target failed" >&2; exit 1; }
    mkdir -p "$dir/corpus-$target" "$dir/crashes-$target"
    echo "fuzz: $target for ${seconds}s"
    # The structure-aware targets keep their base file in a global that LeakSanitizer reports as
    # a leak at exit (a false positive in Foundation's Data storage): leak detection is off there.
    leaks=1
    [ -z "$linked" ] || leaks=0
    if ! ASAN_OPTIONS="detect_leaks=$leaks" SNNC_FUZZ_MODELS="$dir/models" nice -n 10 "$binary" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
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
