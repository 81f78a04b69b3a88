#!/usr/bin/env python3
"""The claims of experiments/repro2, decided from its collected result files.

Reads whatever exists in a results folder (default: results/ beside this script):

  dense.csv            `snnc sweep collect dense.toml -o results/dense.csv` (the dense accuracies;
                       dense.json holds only weight hashes and is read for those)
  searches.json        `snnc sweep collect sweep.toml -o results/searches.json` (every finished
                       search's `snnc prune --json` summary: accuracies, costs, wall times)
  <run>.json           `snnc prune --resume -o tickets/<run>.h5 --json` (a search not in searches.json)
  searches.csv         the CSV collection (used for a search found in neither JSON: no wall times)
  fig3.json, fig3.csv  the same for fig3.toml

and writes one markdown file (default <results>/claims.md): the dense baseline, Table 1, Table 2,
Fig. 3, 5, 7a, 8, 9 and 10 as numeric tables, and a Claims section that decides each of the
paper's claims (README.md, "What each claim will rest on") by the rules printed at its top.
Every number comes from the files; each table names the files it read. Runs that have not
finished are reported as "not yet run (stage N)" with the stage of README.md that runs them.

  python3 experiments/repro2/claims.py                        # results/ → results/claims.md
  python3 experiments/repro2/claims.py --results DIR --out FILE
  python3 experiments/repro2/claims.py --results DIR --check EXPECTED.md   # diff, exit 1 on change

This file is the command line; the work is done by the claimslib/ package beside it (reading the
results, statistics, the tables, the claim rules; claimslib/__init__.py lists its modules).

Python 3.11, standard library only.
"""

import argparse
import difflib
import os
import sys

# claimslib/ sits beside this file: importable even when the script's folder is not on the path
# (python3 -P, PYTHONSAFEPATH).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from claimslib.plan import IMP_ROUNDS, LEVELS
from claimslib.report import build
from claimslib.results import Results


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description="Tables and claim statuses of experiments/repro2 from its collected results.")
    p.add_argument("--results", default=os.path.join(here, "results"), help="results folder (default: results/ beside this script)")
    p.add_argument("--out", help="markdown file to write (default: <results>/claims.md)")
    p.add_argument(
        "--imp-rounds", default=",".join(map(str, IMP_ROUNDS)),
        help="IMP rounds standing for the four levels, in order (default 4,8,11,14; the fixture-size smoke "
        "sweeps run rounds 1,2)",
    )
    p.add_argument("--check", metavar="EXPECTED", help="write nothing; diff the output against EXPECTED, exit 1 if it differs")
    args = p.parse_args(argv)
    try:
        rounds = [int(x) for x in args.imp_rounds.split(",") if x.strip()]
    except ValueError:
        p.error(f"--imp-rounds: not a list of integers: {args.imp_rounds!r}")
    if not 1 <= len(rounds) <= len(LEVELS):
        p.error(f"--imp-rounds: 1 to {len(LEVELS)} rounds")
    if not os.path.isdir(args.results):
        print(f"claims.py: no results folder {args.results}; every claim will be 'not yet run'", file=sys.stderr)
    text = build(Results(args.results), rounds)
    if args.check:
        with open(args.check) as f:
            expected = f.read()
        if text == expected:
            print(f"claims.py: output equals {args.check}", file=sys.stderr)
            return 0
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), args.check, "claims.py output"))
        print(f"claims.py: output differs from {args.check}", file=sys.stderr)
        return 1
    out = args.out or os.path.join(args.results, "claims.md")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
    print(f"claims.py: wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
