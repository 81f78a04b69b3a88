#!/usr/bin/env bash
# Style check run by the test command: swift-format (the toolchain's `swift format`, configured by
# .swift-format at the repository root) must have nothing to say, and no Swift line may be longer
# than 140 characters (swift-format cannot break a long string literal, so that is checked here).
# To fix formatting: swift format format --in-place --recursive Sources Tests Benchmarks Package.swift
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Benchmarks Package.swift)
swift format lint --strict --configuration .swift-format --recursive "${paths[@]}"
long=$(find "${paths[@]}" -name '*.swift' -print0 | LC_ALL=C.UTF-8 xargs -0 awk 'length > 140 { print FILENAME ":" FNR ": " length " characters" }')
if [ -n "$long" ]; then
    echo "lint: lines over 140 characters (split the string or name a part of it):" >&2
    echo "$long" >&2
    exit 1
fi
echo "lint: swift-format and line lengths clean" >&2
