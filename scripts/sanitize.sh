#!/usr/bin/env bash
# Builds the tests under a sanitizer in a separate build folder (the normal .build is untouched)
# and runs the simulator and tensor suites (the multi-threaded kernels) under it, at low priority.
# Slow (a full build per sanitizer): run before a release, not in CI. Results: docs/HARDENING.md.
# Under the address sanitizer allocatorSettingIsAvailableOnLinux is skipped: ASan replaces malloc
# and its mallopt does nothing and returns 0, so retainFreedMemoryForReuse() reports failure by design.
#
#   scripts/sanitize.sh [address|thread …]      default: address thread
#   SANITIZE_FILTER='SNNSimulatorTests|SNNTensorTests' scripts/sanitize.sh address
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
filter=${SANITIZE_FILTER:-SNNSimulatorTests|SNNTensorTests}
status=0
for sanitizer in "${sanitizers[@]}"; do
    skip=()
    case "$sanitizer" in
    address) short=asan skip=(--skip allocatorSettingIsAvailableOnLinux) ;;
    thread) short=tsan ;;
    *) echo "unknown sanitizer '$sanitizer'" >&2; exit 64 ;;
    esac
    scratch=${SANITIZE_DIR:-.build}/sanitize-$short
    start=$(date +%s)
    nice swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
    built=$(date +%s)
    echo "sanitize: $sanitizer build took $((built - start)) s"
    # Findings abort the run with a report; TSAN_OPTIONS/ASAN_OPTIONS make the exit status say so.
    if ! ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1} TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1} \
        nice swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" --filter "$filter" \
            ${skip[@]+"${skip[@]}"}; then
        status=1
        echo "sanitize: $sanitizer FOUND A PROBLEM (or a test failed): see the output above" >&2
    fi
    echo "sanitize: $sanitizer tests ($filter) took $(($(date +%s) - built)) s"
done
exit $status
