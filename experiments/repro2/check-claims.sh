#!/usr/bin/env bash
# Golden check of experiments/repro2/claims.py and its claimslib/ package (python3 only, about a
# second; run by scripts/test.sh, SNNC_CLAIMS=0 skips it there). The 95% band of a difference
# (claimslib/stats.py) against hand-worked numbers, then three cases, each regenerated and diffed
# against its expected file:
#
#   full     testdata/ as it is (the fixture-size smoke collections: dense.csv|json of dense-s0, s1;
#            searches.csv|json of 12 searches; fig3.csv|json of 5 one-shot runs) → testdata/claims.md
#   partial  a folder with only searches.csv and imp-s0.json (that run's `snnc prune --json` summary,
#            taken from searches.json): no dense, no Fig. 3, the CSV fallback without wall times,
#            a per-run summary preferred to the CSV → testdata/claims-partial.md
#   decisive a made-up full-size folder written by testdata/decisive.py (three seeds, rounds 4, 8, 11,
#            14, every method, per-layer densities) whose numbers drive every claim rule to a decided
#            status — reproduced, not reproduced or inconclusive → testdata/claims-decisive.md
#
# The first two use `--imp-rounds 1,2` (the smoke sweeps run IMP rounds 1, 2 instead of 4, 8, 11, 14).
# A difference prints a unified diff and fails. After a deliberate change to claims.py or claimslib/:
#
#   CLAIMS_UPDATE=1 experiments/repro2/check-claims.sh      # rewrites the three expected files
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$here/testdata"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/partial"
cp "$data/searches.csv" "$work/partial/"
python3 - "$data/searches.json" "$work/partial/imp-s0.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
run = next(r for r in doc["runs"] if r["name"] == "imp-s0")
with open(sys.argv[2], "w") as f:
    json.dump(run["summary"], f, indent=1)
EOF

python3 "$data/decisive.py" "$work/decisive"

# merge-collection.py writes a JSON collection in one layout, the first write included, so a
# re-collection of the same runs rewrites nothing; a CSV collection merged into itself is unchanged.
# (The input in snnc's own layout: `"key" : value`, two-space indent.)
python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])), indent=2, separators=(",", " : ")))' \
    "$data/searches.json" > "$work/snnc-layout.json"
python3 "$here/merge-collection.py" "$work/snnc-layout.json" "$work/first.json"
cp "$work/first.json" "$work/again.json"
python3 "$here/merge-collection.py" "$work/snnc-layout.json" "$work/again.json"
cmp -s "$work/first.json" "$work/again.json" || { echo "check-claims: merge-collection.py changed a JSON collection merged into itself" >&2; exit 1; }
cp "$data/searches.csv" "$work/again.csv"
python3 "$here/merge-collection.py" "$data/searches.csv" "$work/again.csv"
cmp -s "$data/searches.csv" "$work/again.csv" || { echo "check-claims: merge-collection.py changed a CSV collection merged into itself" >&2; exit 1; }

# The 95% band of a difference (claimslib/stats.py), against numbers worked by hand: paired over
# three seeds (differences 1.0, 0.5, 2.0: mean 1.1667, sd 0.7638 above the binomial floor 0.484,
# t_0.975(2) = 4.303); the same values under other seeds (unpaired, Welch's degrees of freedom);
# a single run against three seeds (its binomial SE adds no term to the degrees of freedom); two
# single runs (2 SE, the binomial errors alone).
python3 - "$here" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from claimslib.stats import Noise, Stat
noise = Noise(10000)
a = Stat([86.0, 87.0, 88.0], [0, 1, 2])
x = noise.difference(a, Stat([85.0, 86.5, 86.0], [0, 1, 2]))
assert (round(x.d, 4), round(x.half, 3), x.how) == (1.1667, 1.897, "paired n=3, t(2)·SE"), x
# SE² 1/3 + 0.7638²/3 = 0.5278, df = 0.5278² / ((1/3)²/2 + 0.1944²/2) = 3.74 → t(3) = 3.182
u = noise.difference(a, Stat([85.0, 86.5, 86.0], [3, 4, 5]))
assert (round(u.half, 3), u.how) == (2.312, "Welch t(3)·SE"), u
c = Stat([85.0], [0])
# SE² 1/3 + 0.3571² = 0.4609, df = 0.4609² / ((1/3)²/2) = 3.82 → t(3)
y = noise.difference(a, c)
assert (round(y.d, 4), round(y.half, 3), y.how) == (2.0, 2.160, "Welch t(3)·SE"), y
z = noise.difference(Stat([87.0], [0]), c)  # 2·hypot(0.3363, 0.3571)
assert (round(z.half, 3), z.how) == (0.981, "2 SE"), z
# A binding binomial floor (paired differences 0.1, 0.2, 0.3: sd 0.1 < floor hypot(0.3352, 0.3374) = 0.4756):
f = noise.difference(Stat([87.0, 87.1, 87.2], [0, 1, 2]), Stat([86.9, 86.9, 86.9], [0, 1, 2]))
assert (round(f.d, 4), round(f.half, 3)) == (0.2, 1.182), f
# Welch degrees of freedom above 30 round down to the table's 30, 40, 60, 120.
from claimslib.stats import t975
assert t975(35.2) == (2.042, 30) and t975(75) == (2.0, 60) and t975(1e6) == (1.98, 120) and t975(0.4) == (12.706, 1)
# The hand-typed table against Student's t computed here, to the table's 3 decimals: the density
# integrated from 0 by Simpson's rule (4,000 intervals), the 0.975 quantile found by bisection.
import math
from claimslib.stats import T975
def t_quantile(df, p=0.975):
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    pdf = lambda x: math.exp(log_c - (df + 1) / 2 * math.log1p(x * x / df))
    def cdf(t, n=4000):
        h = t / n
        s = pdf(0) + pdf(t) + sum((4 if i % 2 else 2) * pdf(i * h) for i in range(1, n))
        return 0.5 + s * h / 3
    lo, hi = 0.0, 20.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return (lo + hi) / 2
for df, tabled in T975.items():
    assert round(t_quantile(df), 3) == tabled, (df, tabled, t_quantile(df))
# `below`: d < θ beyond the band is the negation of d ≥ θ beyond it; inside the noise stays None.
assert noise.below(a, c, 5.0) is True and noise.below(a, c, -1.0) is False and noise.below(a, c, 1.0) is None
assert x.verdict(-0.8) is True and x.verdict(3.1) is False and x.verdict(1.0) is None
EOF

status=0
for case in full partial decisive; do
    rounds=1,2
    case $case in
        full) folder=$data; expected=$data/claims.md ;;
        partial) folder=$work/partial; expected=$data/claims-partial.md ;;
        decisive) folder=$work/decisive; expected=$data/claims-decisive.md; rounds=4,8,11,14 ;;
    esac
    if [ "${CLAIMS_UPDATE:-0}" = "1" ]; then
        python3 "$here/claims.py" --results "$folder" --imp-rounds "$rounds" --out "$expected"
    elif ! python3 "$here/claims.py" --results "$folder" --imp-rounds "$rounds" --check "$expected"; then
        echo "check-claims: case '$case' differs from $expected (CLAIMS_UPDATE=1 rewrites it after a deliberate change)" >&2
        status=1
    fi
done
[ "$status" = 0 ] && echo "check-claims: claims.py output equals the golden files (3 cases)" >&2
exit "$status"
