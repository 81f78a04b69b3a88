#!/usr/bin/env bash
# Renders an `snnc report` page in headless Chromium and checks it: Chromium's XML parser
# accepts it (loaded as .xhtml, a parse error would show as <parsererror>), every figure is in
# the rendered DOM, and a PNG screenshot at 1280 px width is written. With --large it first
# builds a 10-file, 20-level report from the reproduction's IMP summary and checks it stays
# under 2 MB and renders in under 2 s (beyond Chromium's start-up, timed on an empty page).
#
# Usage: scripts/report-check.sh [REPORT.html [SCREENSHOT.png]]   (default: out/demo/report.html)
#        scripts/report-check.sh --large
# Installs Chromium (Debian package `chromium`) with scripts/bootstrap.sh when it is missing.
# --large builds snnc in release mode unless SNNC names a binary.
# Not part of scripts/test.sh (Chromium is a large install); the Swift tests check the XML.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh chromium
browser=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --mute-audio)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = "--large" ]; then
    snnc=${SNNC:-}
    if [ -z "$snnc" ]; then
        swift build -c release --product snnc >&2
        snnc="$(swift build -c release --show-bin-path)/snnc"
    fi
    # Ten searches (five methods x two seeds) of twenty levels each, from a real summary.
    python3 - "$work" <<'PY'
import copy, json, sys
base = json.load(open("experiments/repro/results/imp-s0.json"))
for m, method in enumerate(["imp", "imp+et", "eb", "eb+et", "snip"]):
    for seed in (0, 1):
        s = copy.deepcopy(base)
        s["header"]["method"] = method
        s["header"]["seed"] = seed
        s["header"]["search"]["pruneRate"] = 0.25 + 0.01 * m  # a different setting per method
        levels = []
        for k in range(20):
            lv = copy.deepcopy(base["levels"][min(k, len(base["levels"]) - 1)])
            lv["level"], lv["round"], lv["label"] = k, k, f"round {k}"
            lv["weightSparsity"] = 100 * (1 - 0.8 ** k)
            lv["testAccuracy"] = max(0.1, lv["testAccuracy"] - 0.002 * k * (m + 1) + 0.003 * seed)
            levels.append(lv)
        s["levels"] = levels
        json.dump(s, open(f"{sys.argv[1]}/{method}-s{seed}.json", "w"))
PY
    report="$work/large.html"
    start=$(date +%s%N)
    "$snnc" report "$work"/*.json -o "$report"
    size=$(stat -c %s "$report")
    echo "large report: $size bytes (limit 2000000), written in $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
    [ "$size" -lt 2000000 ] || { echo "report-check: the large report is over 2 MB" >&2; exit 1; }
    png="$work/large.png"
else
    report="${1:-out/demo/report.html}"
    png="${2:-${report%.html}.png}"
fi
[ -f "$report" ] || { echo "report-check: no report at $report (run scripts/demo.sh first)" >&2; exit 1; }

# 1. Chromium's XML parser: load the same bytes as XHTML.
cp "$report" "$work/page.xhtml"
"${browser[@]}" --dump-dom "file://$(realpath "$work/page.xhtml")" > "$work/xml-dom.html" 2> "$work/xml.log"
if grep -q "parsererror" "$work/xml-dom.html"; then
    echo "report-check: Chromium cannot parse $report as XML:" >&2
    grep -A4 "parsererror" "$work/xml-dom.html" | sed "s/<[^>]*>/ /g" | head -c 1500 >&2
    exit 1
fi

# 2. The HTML page renders with every figure; timed from Chromium's start to the dumped DOM,
#    less the time Chromium takes for an empty page (its start-up).
echo '<!DOCTYPE html><html><body></body></html>' > "$work/empty.html"
start=$(date +%s%N)
"${browser[@]}" --dump-dom "file://$work/empty.html" > /dev/null 2>&1
startup=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
"${browser[@]}" --dump-dom "file://$(realpath "$report")" > "$work/dom.html" 2> "$work/html.log"
total=$(( ($(date +%s%N) - start) / 1000000 ))
render=$(( total > startup ? total - startup : 0 ))
expected=$(grep -c '<figure ' "$report" || true)
rendered=$(grep -c '<figure ' "$work/dom.html" || true)
svgs=$(grep -c '<svg ' "$work/dom.html" || true)
if [ "$expected" -eq 0 ] || [ "$rendered" -ne "$expected" ] || [ "$svgs" -lt "$expected" ]; then
    echo "report-check: $rendered of $expected figures ($svgs drawings) in the rendered page" >&2
    exit 1
fi
echo "report-check: $report parses as XML in Chromium; $rendered figures rendered in $total ms," \
    "$render ms more than an empty page ($startup ms)" >&2
if [ "${1:-}" = "--large" ] && [ "$render" -ge 2000 ]; then
    echo "report-check: rendering took $render ms beyond Chromium's start-up (limit 2000 ms)" >&2
    exit 1
fi

# 3. A screenshot at 1280 px width (the top of the page: inputs and the first figures).
"${browser[@]}" --window-size=1280,2400 --screenshot="$png" "file://$(realpath "$report")" 2> "$work/shot.log"
echo "report-check: screenshot $png ($(stat -c %s "$png") bytes)" >&2
