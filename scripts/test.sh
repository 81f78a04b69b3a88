#!/usr/bin/env bash
# The test command: installs what is missing, checks the style (scripts/lint.sh), checks
# experiments/repro2/claims.py against its golden files (experiments/repro2/check-claims.sh, python3 only,
# about a second; SNNC_CLAIMS=0 skips it), builds, runs every test, then the NIR interop check.
# SNNC_INTEROP=0 skips the interop check (it needs PyPI the first time; see scripts/interop-check.sh).
# Then scripts/slurm-check.sh: `snnc sweep slurm` on a one-node Slurm cluster it starts (root only; 1–2 minutes;
# SNNC_SLURM=0 skips it, a non-root run skips it with a note).
# Last, each libFuzzer target runs for SNNC_FUZZ_SECONDS (default 30; docs/HARDENING.md); SNNC_FUZZ=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/lint.sh
if [ "${SNNC_CLAIMS:-1}" = "0" ]; then
    echo "check-claims: skipped (SNNC_CLAIMS=0)" >&2
else
    experiments/repro2/check-claims.sh
fi
swift build --build-tests
swift test --skip-build "$@"
if [ "${SNNC_INTEROP:-1}" = "0" ]; then
    echo "interop-check: skipped (SNNC_INTEROP=0)" >&2
else
    scripts/interop-check.sh
fi
scripts/slurm-check.sh
if [ "${SNNC_FUZZ:-1}" = "0" ]; then
    echo "fuzz: skipped (SNNC_FUZZ=0)" >&2
else
    scripts/fuzz.sh "${SNNC_FUZZ_SECONDS:-30}"
fi
