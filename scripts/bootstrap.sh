#!/usr/bin/env bash
# Installs the system packages snnc needs, if any are missing (Debian/Ubuntu, apt-get).
# Safe to run again: it does nothing when everything is present. Arguments: more packages to
# install the same way (e.g. `scripts/bootstrap.sh chromium`).
set -euo pipefail

packages=(libhdf5-dev hdf5-tools zlib1g-dev libopenblas-dev libdnnl-dev pkg-config dataset-fashion-mnist)
# Extra packages a script needs besides these (scripts/report-check.sh passes chromium).
packages+=("$@")
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "snnc: installing missing packages: ${missing[*]}" >&2
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}" >&2
fi
command -v swift >/dev/null || { echo "snnc: 'swift' not found on PATH (Swift 6 is required: https://swift.org/install)" >&2; exit 1; }
