#!/usr/bin/env bash
# Interop check: deployment files written by snnc must load in Python's `nir` (nir.read), and
# every sparse table in /snnc must equal the dense NIR weights once dequantised (scipy); NIR graphs
# built in Python must import into snnc and compute what a numpy reference computes.
#
# Creates .venv-interop (pip install nir h5py scipy numpy) on first use and reuses it after.
# Needs a built snnc and test bundle: run after `swift build --build-tests` (scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-interop
if ! "$venv/bin/python" -c "import nir, h5py, scipy, numpy" 2>/dev/null; then
    echo "interop-check: creating $venv (pip install nir h5py scipy numpy)" >&2
    python3 -m venv "$venv" || { echo "interop-check: FAIL: 'python3 -m venv' is not available (install python3-venv)" >&2; exit 1; }
    if ! "$venv/bin/pip" install --quiet --disable-pip-version-check nir h5py scipy numpy; then
        echo "interop-check: FAIL: pip could not install nir h5py scipy numpy; is PyPI reachable?" >&2
        echo "interop-check: this check is required; fix the network or the Python setup and run scripts/interop-check.sh again" >&2
        exit 1
    fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/snnc-interop.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The Swift side writes a pruned checkpoint and two deployment files.
SNNC_INTEROP_DIR="$work" swift test --skip-build --filter "SNNExportTests.InteropFixtureTests" >"$work/swift-test.log" 2>&1 \
    || { cat "$work/swift-test.log" >&2; echo "interop-check: FAIL: writing the fixtures" >&2; exit 1; }

# The CLI exports the checkpoint, as a user would.
snnc="$(swift build --show-bin-path)/snnc"
"$snnc" export "$work/interop-vgg.h5" --target edge -o "$work/interop-vgg.snn.h5" >&2

"$venv/bin/python" scripts/interop/check_deployment.py "$work"/*.snn.h5

# NIR import: graphs built with Python's nir (every supported node type) against a numpy reference,
# the NIR -> snnc -> NIR round trip, and the named errors of unsupported graphs.
mkdir -p "$work/nir"
"$venv/bin/python" scripts/interop/check_nir_import.py "$snnc" "$work/nir"
