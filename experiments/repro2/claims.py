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

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import math
import os
import re
import statistics
import sys
from dataclasses import dataclass, field

# The paper's four sparsity levels (Table 1) and the IMP rounds that reach them (20% per round).
LEVELS = [68.30, 89.91, 95.69, 98.13]
IMP_ROUNDS = [4, 8, 11, 14]
SEEDS = [0, 1, 2]
DEFAULT_TEST_IMAGES = 10000  # README.md: the full Fashion-MNIST test set
ITERATIVE = {"imp", "imp+et", "transfer"}  # methods whose levels are IMP rounds


# ----------------------------------------------------------------------------------------------
# Stages (README.md, "Stages"): which stage runs a run.


def stage_of(run: str) -> int | None:
    m = re.fullmatch(r"dense-s(\d+)", run)
    if m:
        return 1
    m = re.fullmatch(r"oneshot-pre(\d+)-post(\d+)", run)
    if m:
        return 7 if m.group(2) == "5" else 12
    m = re.fullmatch(r"(.+)-s(\d+)", run)
    if not m:
        return None
    method, seed = m.group(1), int(m.group(2))
    if method == "eb-c1":
        return 13
    if method in ("snip", "random", "transfer"):
        return 5
    if method in ("imp", "imp+et"):
        if seed == 0:
            return 2 if method == "imp" else 3
        return 8 if seed == 1 else 9
    if method in ("eb", "eb+et"):
        return 4 if seed == 0 else (10 if seed == 1 else 11)
    if method == "deepr" or method.startswith("gradr"):
        return 6 if seed == 0 else (10 if seed == 1 else 11)
    return None


def stages_text(runs: list[str]) -> str:
    stages = sorted({s for s in (stage_of(r) for r in runs) if s is not None})
    if not stages:
        return "stage ?"
    return ("stage " if len(stages) == 1 else "stages ") + ", ".join(str(s) for s in stages)


# ----------------------------------------------------------------------------------------------
# Records read from the files.


@dataclass
class Level:
    level: int
    label: str
    time_steps: int
    full_t: bool  # trained and evaluated at the run's T (not T_early / T_pre)
    accuracy: float  # percent
    test_images: int | None
    weight_sparsity: float  # percent of the prunable weights
    spikes: float | None
    search_work: int
    train_work: int
    search_seconds: float | None
    train_seconds: float | None
    sha: str | None = None
    eb_epoch: float | None = None
    eb_fired: bool | None = None
    ann_accuracy: float | None = None  # percent

    @property
    def round(self) -> int | None:
        if self.label == "dense":
            return 0
        m = re.fullmatch(r"round (\d+)", self.label)
        return int(m.group(1)) if m else None

    @property
    def target(self) -> float | None:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)%", self.label)
        return float(m.group(1)) if m else None


@dataclass
class Run:
    name: str
    method: str  # the sweep's method label: imp, imp+et, eb-c1, gradr-a1e-4, …
    seed: int | None
    source: str  # the file it was read from (name within the results folder)
    levels: list[Level] = field(default_factory=list)
    time_steps: int | None = None
    early_t: int | None = None  # the probe's T_early (JSON only)
    alpha: float | None = None  # Grad R's prior strength
    axes: dict = field(default_factory=dict)
    complete: bool = True  # the summary's `complete` (a search stopped before its last level: False)


def split_name(name: str) -> tuple[str, int | None]:
    m = re.fullmatch(r"(.+)-s(\d+)", name)
    return (m.group(1), int(m.group(2))) if m else (name, None)


def run_from_summary(name: str, summary: dict, axes: dict, source: str) -> Run:
    header = summary.get("header", {})
    method, seed = split_name(name)
    method = axes.get("method", method)
    if "seed" in axes:
        seed = int(axes["seed"])
    elif seed is None and header.get("seed") is not None:
        seed = int(header["seed"])
    t = header.get("spec", {}).get("timeSteps")
    run = Run(name=name, method=method, seed=seed, source=source, time_steps=t, axes=dict(axes))
    run.complete = summary.get("complete", True) is not False
    early = summary.get("results", {}).get("earlyTime") or {}
    run.early_t = early.get("chosen")
    rewiring = header.get("search", {}).get("rewiring")
    if header.get("method") == "gradr" and rewiring:
        run.alpha = rewiring.get("alpha")
    for info in summary.get("levels", []):
        search = info.get("searchCost", {})
        train = info.get("trainCost", {})
        eb = info.get("earlyBird") or {}
        ann = info.get("annAccuracy")
        run.levels.append(
            Level(
                level=int(info["level"]),
                label=info["label"],
                time_steps=int(info["timeSteps"]),
                full_t=t is None or int(info["timeSteps"]) == int(t),
                accuracy=100 * float(info["testAccuracy"]),
                test_images=info.get("testImages"),
                weight_sparsity=float(info["weightSparsity"]),
                spikes=info.get("spikesPerImage"),
                search_work=int(search.get("work", 0)),
                train_work=int(train.get("work", 0)),
                search_seconds=search.get("seconds"),
                train_seconds=train.get("seconds"),
                eb_epoch=eb.get("epoch"),
                eb_fired=eb.get("fired"),
                ann_accuracy=None if ann is None else 100 * float(ann),
            )
        )
    return run


def runs_from_csv(path: str, source: str) -> dict[str, Run]:
    rows: dict[str, list[dict]] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            rows.setdefault(row["run"], []).append(row)
    runs = {}
    for name, group in rows.items():
        method, seed = split_name(name)
        if group[0].get("method"):
            method = group[0]["method"]
        if group[0].get("seed", "") != "":
            seed = int(group[0]["seed"])
        t = max(int(r["time_steps"]) for r in group)
        axes = {k: v for k, v in group[0].items() if k in ("search-timesteps", "post")}
        run = Run(name=name, method=method, seed=seed, source=source, time_steps=t, axes=axes)
        if method.startswith("gradr"):
            m = re.fullmatch(r"gradr-a(.+)", method)
            run.alpha = float(m.group(1)) if m else None
        for r in group:
            spikes = r.get("spikes_per_image", "")
            run.levels.append(
                Level(
                    level=int(r["level"]),
                    label=r["label"],
                    time_steps=int(r["time_steps"]),
                    full_t=int(r["time_steps"]) == t,
                    accuracy=100 * float(r["test_accuracy"]),
                    test_images=None,
                    weight_sparsity=float(r["weight_sparsity"]),
                    spikes=float(spikes) if spikes != "" else None,
                    search_work=int(r.get("search_work_mac") or 0),
                    train_work=int(r.get("train_work_mac") or 0),
                    search_seconds=None,
                    train_seconds=None,
                    sha=r.get("weights_sha256"),
                )
            )
        runs[name] = run
    return runs


def runs_from_collection(path: str, source: str) -> dict[str, Run]:
    with open(path) as f:
        doc = json.load(f)
    runs = {}
    for entry in doc.get("runs", []):
        if "summary" not in entry:
            continue
        run = run_from_summary(entry["name"], entry["summary"], entry.get("axes", {}), source)
        hashes = entry.get("weightsSHA256", {})
        for lv in run.levels:
            lv.sha = hashes.get(str(lv.level))
        runs[entry["name"]] = run
    return runs


@dataclass
class Dense:
    seed: int
    run: str
    accuracy: float  # percent
    train_accuracy: float | None
    epochs: int | None
    sha: str | None
    source: str


class Results:
    """Everything read from one results folder."""

    def __init__(self, folder: str):
        self.folder = folder
        self.read: list[str] = []
        self.notes: list[str] = []
        self.searches: dict[str, Run] = {}
        self.fig3: dict[str, Run] = {}
        self.dense: list[Dense] = []
        self.dense_hashes: dict[str, str] = {}
        self._read_searches()
        self._read_fig3()
        self._read_dense()

    def path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    def _try(self, name: str, reader):
        p = self.path(name)
        if not os.path.isfile(p):
            return {}
        try:
            got = reader(p, name)
        except Exception as e:  # one unreadable file must not stop the report: it is named in it
            self.notes.append(f"{name}: could not be read ({type(e).__name__}: {e}); left out")
            return {}
        self.read.append(name)
        return got

    def _read_searches(self):
        runs = dict(self._try("searches.json", runs_from_collection))
        # Per-run summaries (`snnc prune --json`) for searches the collection does not hold.
        names = sorted(os.listdir(self.folder)) if os.path.isdir(self.folder) else []
        for name in names:
            stem = name[: -len(".json")] if name.endswith(".json") else None
            if stem is None or stem in ("searches", "dense", "fig3") or stem in runs:
                continue
            if not re.fullmatch(r".+-s\d+", stem):
                continue

            def reader(p, source, stem=stem):
                with open(p) as f:
                    summary = json.load(f)
                if "levels" not in summary:
                    raise ValueError("not a `snnc prune --json` summary")
                return {stem: run_from_summary(stem, summary, {}, source)}

            runs.update(self._try(name, reader))
        for name, run in self._try("searches.csv", runs_from_csv).items():
            runs.setdefault(name, run)
        for run in sorted(runs.values(), key=lambda r: r.name):
            if not run.complete:
                self.notes.append(f"{run.name} ({run.source}): the search is not complete; its stored levels are used")
        self.searches = runs

    def _read_fig3(self):
        runs = dict(self._try("fig3.json", runs_from_collection))
        for name, run in self._try("fig3.csv", runs_from_csv).items():
            runs.setdefault(name, run)
        self.fig3 = runs

    def _read_dense(self):
        def read_csv(p, source):
            out = []
            with open(p, newline="") as f:
                for row in csv.DictReader(f):
                    seed = int(row["seed"]) if row.get("seed", "") != "" else split_name(row["run"])[1]
                    train = row.get("train_accuracy", "")
                    epochs = row.get("epochs", "")
                    out.append(
                        Dense(
                            seed=seed,
                            run=row["run"],
                            accuracy=100 * float(row["test_accuracy"]),
                            train_accuracy=100 * float(train) if train != "" else None,
                            epochs=int(epochs) if epochs != "" else None,
                            sha=row.get("weights_sha256") or None,
                            source=source,
                        )
                    )
            return {"rows": out}

        def read_json(p, source):
            with open(p) as f:
                doc = json.load(f)
            return {e["name"]: e.get("weightsSHA256", {}).get("0") for e in doc.get("runs", [])}

        self.dense = sorted(self._try("dense.csv", read_csv).get("rows", []), key=lambda d: (d.seed is None, d.seed))
        self.dense_hashes = {d.run: d.sha for d in self.dense if d.sha}
        for run, sha in self._try("dense.json", read_json).items():
            if sha:
                self.dense_hashes.setdefault(run, sha)

    # -- queries --------------------------------------------------------------------------------

    def method_runs(self, method: str) -> list[Run]:
        return sorted(
            (r for r in self.searches.values() if r.method == method), key=lambda r: (r.seed is None, r.seed, r.name)
        )

    def test_images(self) -> tuple[int, str]:
        counts = sorted(
            {lv.test_images for r in list(self.searches.values()) + list(self.fig3.values()) for lv in r.levels if lv.test_images}
        )
        if len(counts) == 1:
            return counts[0], "testImages of the JSON summaries"
        if counts:
            return counts[0], f"the smallest testImages of the JSON summaries ({', '.join(map(str, counts))})"
        return DEFAULT_TEST_IMAGES, "assumed: README.md's test set, as no JSON summary gives testImages"


# ----------------------------------------------------------------------------------------------
# Statistics and formatting.


@dataclass
class Stat:
    values: list[float]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.values)

    @property
    def sd(self) -> float | None:
        return statistics.stdev(self.values) if self.n >= 2 else None

    def text(self, digits: int = 2, n: bool = True) -> str:
        s = f"{self.mean:.{digits}f}"
        if self.sd is not None:
            s += f" ± {self.sd:.{digits}f}"
        return s + (f" (n={self.n})" if n else "")


def stat(values) -> Stat | None:
    values = [v for v in values if v is not None]
    return Stat(values) if values else None


class Noise:
    """Standard errors (percentage points) of accuracies measured on `images` test images."""

    def __init__(self, images: int):
        self.images = images

    def test_se(self, acc: float) -> float:
        p = min(max(acc / 100, 0.0), 1.0)
        return 100 * math.sqrt(p * (1 - p) / self.images)

    def mean_se(self, s: Stat) -> float:
        """SE of a mean over n seeds: sqrt(max(sd², se_test²) / n)."""
        se = self.test_se(s.mean)
        sd = s.sd if s.sd is not None else 0.0
        return math.sqrt(max(sd * sd, se * se) / s.n)

    def diff_se(self, a: Stat, b: Stat) -> float:
        return math.sqrt(self.mean_se(a) ** 2 + self.mean_se(b) ** 2)

    def diff_text(self, a: Stat, b: Stat) -> str:
        """`a − b` in points, with 2 SE and whether it is inside the noise."""
        d = a.mean - b.mean
        two = 2 * self.diff_se(a, b)
        tag = "inside the noise" if abs(d) < two else "outside the noise"
        return f"{d:+.2f} (2 SE {two:.2f}, {tag})"


def tmac(work: float) -> str:
    v = work / 1e12
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def sources_line(runs, extra: list[str] | None = None) -> str:
    files: dict[str, list[str]] = {}
    for r in runs:
        files.setdefault(r.source, []).append(r.name)
    parts = [f"`{f}` ({', '.join(sorted(names))})" for f, names in sorted(files.items())]
    parts += [f"`{e}`" for e in extra or []]
    return "Source: " + ("; ".join(parts) if parts else "no file (nothing collected yet)") + "."


# ----------------------------------------------------------------------------------------------
# The report.


class Report:
    def __init__(self, res: Results, imp_rounds: list[int]):
        self.res = res
        self.imp_rounds = imp_rounds
        images, why = res.test_images()
        self.images_why = why
        self.noise = Noise(images)
        self.lines: list[str] = []

    # -- level selection ------------------------------------------------------------------------

    def column(self, run: Run, lv: Level) -> int | None:
        """The index of the paper level (0…3) a level stands for, or None."""
        if not lv.full_t:
            return None
        if run.method in ITERATIVE or lv.round is not None and lv.target is None:
            r = lv.round
            return self.imp_rounds.index(r) if r in self.imp_rounds and r != 0 else None
        t = lv.target
        if t is None:
            return None
        for i, level in enumerate(LEVELS):
            if abs(t - level) < 0.005:
                return i
        return None

    def at(self, method: str, col: int) -> list[tuple[Run, Level]]:
        out = []
        for run in self.res.method_runs(method):
            for lv in run.levels:
                if self.column(run, lv) == col:
                    out.append((run, lv))
                    break
        return out

    def acc(self, method: str, col: int) -> Stat | None:
        return stat(lv.accuracy for _, lv in self.at(method, col))

    def dense(self) -> tuple[Stat | None, str]:
        """The dense reference: dense.csv, else IMP's level 0 (the same training)."""
        if self.res.dense:
            return stat(d.accuracy for d in self.res.dense), "dense.csv"
        lv0 = [lv for r in self.res.method_runs("imp") for lv in r.levels if lv.round == 0 and lv.full_t]
        if lv0:
            return stat(lv.accuracy for lv in lv0), "IMP level 0 (no dense.csv)"
        return None, "no dense run"

    def table1_cost(self, method: str, lv: Level) -> tuple[int, float | None]:
        """snnc report's "Table 1 cost": early-bird methods their search only, the others search + training."""
        if method in ("eb", "eb+et", "eb-c1"):
            return lv.search_work, lv.search_seconds
        secs = None if lv.search_seconds is None or lv.train_seconds is None else lv.search_seconds + lv.train_seconds
        return lv.search_work + lv.train_work, secs

    def cost(self, method: str, col: int) -> tuple[Stat | None, Stat | None]:
        pairs = [self.table1_cost(method, lv) for _, lv in self.at(method, col)]
        return stat(float(w) for w, _ in pairs), stat(s for _, s in pairs)

    def level_name(self, col: int, rounds: bool = True) -> str:
        """`68.30%`, with the IMP round that stands for it when `rounds`."""
        r = self.imp_rounds[col] if rounds and col < len(self.imp_rounds) else None
        return f"{LEVELS[col]:.2f}%" + (f" (round {r})" if r is not None else "")

    def out(self, *lines: str):
        self.lines.extend(lines)

    # -- sections -------------------------------------------------------------------------------

    def build(self) -> str:
        res = self.res
        self.out("# repro2: results and claims", "")
        self.out(
            "Generated by `experiments/repro2/claims.py` from the collected files of the results folder; do not edit "
            "by hand. Accuracies are percent of the test images at the model's full T, mean ± sample sd over seeds "
            "(n = seeds). Levels: " + ", ".join(self.level_name(i) for i in range(len(LEVELS))) + " (one-shot methods: "
            "the target; IMP-like methods: the round).",
            "",
        )
        self.out("Files read: " + (", ".join(f"`{f}`" for f in res.read) if res.read else "none") + ".")
        for note in res.notes:
            self.out("", f"Note: {note}.")
        self.out(
            "",
            f"Test images per accuracy: {self.noise.images} ({self.images_why}); the standard error of one accuracy p "
            f"is sqrt(p(1−p)/{self.noise.images}) (e.g. {self.noise.test_se(87.0):.2f} points at 87%).",
            "",
        )
        self.dense_section()
        self.table1()
        self.table2()
        self.fig3()
        self.fig5()
        self.fig7a()
        self.fig8()
        self.fig9()
        self.fig10()
        self.claims()
        return "\n".join(self.lines).rstrip() + "\n"

    def dense_section(self):
        res = self.res
        self.out("## Dense baseline (stage 1)", "")
        if not res.dense:
            d, src = self.dense()
            if d:
                self.out(
                    f"Not yet run (stage 1): no `dense.csv`. IMP's level 0 (the same training as `snnc train`) stands in "
                    f"for it: {d.text(n=False)}% (n={d.n})."
                )
                self.out("", sources_line(self.res.method_runs("imp")))
            else:
                self.out("Not yet run (stage 1): no `dense.csv`.")
            self.out("")
            return
        d = stat(x.accuracy for x in res.dense)
        self.out(
            f"**{d.text(n=False)}%** test accuracy over {d.n} seed{'s' if d.n > 1 else ''} "
            f"({self.noise.test_se(d.mean):.2f} points standard error of one run's accuracy).",
            "",
        )
        rows = []
        for x in res.dense:
            train = f"{x.train_accuracy:.2f}" if x.train_accuracy is not None else "—"
            imp = next((r for r in res.method_runs("imp") if r.seed == x.seed), None)
            lv0 = next((lv for lv in imp.levels if lv.round == 0), None) if imp else None
            sha = x.sha or res.dense_hashes.get(x.run)
            if lv0 is None or lv0.sha is None or sha is None:
                same = "—"
            else:
                same = "yes" if lv0.sha == sha else "**no**"
            rows.append(
                [x.run, str(x.seed), str(x.epochs) if x.epochs is not None else "—", f"{x.accuracy:.2f}", train, same]
            )
        self.out(*table(["run", "seed", "epochs", "test accuracy (%)", "last-epoch training accuracy (%)", "weights = IMP level 0"], rows))
        missing = [f"dense-s{s}" for s in SEEDS if s not in {x.seed for x in res.dense}]
        self.out("")
        if missing:
            self.out(f"Not yet collected: {', '.join(missing)} ({stages_text(missing)}).", "")
        verdict = "yes" if d.mean >= 85 else "**no**: 30 epochs per README.md before stage 2"
        self.out(f"Stage-1 decision (README.md): mean ≥ 85%? {verdict} ({d.mean:.2f}%).", "")
        extra = ["dense.json"] if "dense.json" in res.read else []
        imp = res.method_runs("imp")
        self.out(sources_line(imp, ["dense.csv"] + extra), "")

    def table1(self):
        methods = [("IMP", "imp"), ("IMP+ET", "imp+et"), ("EB", "eb"), ("EB+ET", "eb+et"), ("EB, 1 check/epoch (eb-c1)", "eb-c1")]
        cols = [self.level_name(i) for i in range(len(LEVELS))]
        runs = [r for _, m in methods for r in self.res.method_runs(m)]
        self.out("## Table 1 analogue: IMP, IMP+ET, EB, EB+ET", "")
        self.out(
            "Search cost is snnc report's \"Table 1 cost\" (Sources/SNNReport/EarlyTimePlot.swift, `paperCost`): for "
            "IMP, IMP+ET (and every non-early-bird method) the level's `searchCost` + `trainCost` (every round up to and "
            "including the training of the ticket), for EB, EB+ET and eb-c1 the level's `searchCost` only (the dense "
            "search up to the drawn mask). Work is `.work` (dense multiply–accumulates, forward + backward; 1 TMAC = 10¹² "
            "MAC), wall time `.seconds` (the ledger's; JSON summaries only: the CSV collection has no wall times). "
            "Values are means over seeds.",
            "",
        )
        self.out("**Test accuracy (%)**", "")
        rows = []
        for title, m in methods:
            rows.append([title] + [(s.text() if (s := self.acc(m, i)) else "—") for i in range(len(LEVELS))])
        self.out(*table(["method"] + cols, rows), "")
        self.out("**Weight sparsity reached (% of prunable weights, mean over seeds)**", "")
        rows = []
        for title, m in methods:
            cells = []
            for i in range(len(LEVELS)):
                s = stat(lv.weight_sparsity for _, lv in self.at(m, i))
                cells.append(f"{s.mean:.2f}" if s else "—")
            rows.append([title] + cells)
        self.out(*table(["method"] + cols, rows), "")
        self.out("**Table 1 cost: work (TMAC) / wall time**", "")
        rows = []
        for title, m in methods:
            cells = []
            for i in range(len(LEVELS)):
                w, s = self.cost(m, i)
                if w is None:
                    cells.append("—")
                    continue
                wall = duration(s.mean) if s else "—"
                if s and s.n != w.n:
                    wall += f" ({s.n} of {w.n} seeds)"
                cells.append(f"{tmac(w.mean)} / {wall}")
            rows.append([title] + cells)
        self.out(*table(["method"] + cols, rows), "")
        self.out("**ET gain: full-T cost / early-time cost (ratio of the means), Δ accuracy = ET − full T (points)**", "")
        rows = []
        for base, early in (("imp", "imp+et"), ("eb", "eb+et")):
            for i in range(len(LEVELS)):
                g = self.gain(base, early, i)
                if g is None:
                    continue
                wg, tg, a, b = g
                rows.append(
                    [f"{early} vs {base}", self.level_name(i, rounds=base == "imp"), f"×{wg:.2f}",
                     f"×{tg:.2f}" if tg is not None else "—",
                     self.noise.diff_text(a, b), f"{a.n} / {b.n}"]
                )
        if rows:
            self.out(*table(["pair", "level", "work gain", "wall-time gain", "Δ accuracy", "seeds (ET / full T)"], rows), "")
        else:
            self.out("No pair has a level in common yet (stages 2–4).", "")
        te = [(r.name, r) for m in ("imp+et", "eb+et") for r in self.res.method_runs(m)]
        if te:
            self.out(
                "T_early chosen by the probe: "
                + ", ".join(f"{n} {self.early_text(r)}" for n, r in te)
                + ".",
                "",
            )
        self.out(sources_line(runs), "")

    @staticmethod
    def early_text(run: Run) -> str:
        if run.source.endswith(".csv"):
            return "unknown (read from the CSV)"
        return str(run.early_t) if run.early_t is not None else "none (no probe ran)"

    def gain(self, base: str, early: str, col: int):
        wb, tb = self.cost(base, col)
        we, t_e = self.cost(early, col)
        a, b = self.acc(early, col), self.acc(base, col)
        if wb is None or we is None or a is None or b is None:
            return None
        wg = wb.mean / max(we.mean, 1)
        tg = tb.mean / t_e.mean if tb and t_e and t_e.mean > 0 else None
        return wg, tg, a, b

    def imp_curve(self) -> list[tuple[float, float]]:
        """IMP's mean accuracy against mean sparsity over every full-T level (dense included)."""
        by_level: dict[int, list[Level]] = {}
        for r in self.res.method_runs("imp"):
            for lv in r.levels:
                if lv.full_t:
                    by_level.setdefault(lv.level, []).append(lv)
        pts = [
            (statistics.fmean(l.weight_sparsity for l in lvs), statistics.fmean(l.accuracy for l in lvs))
            for _, lvs in sorted(by_level.items())
        ]
        return sorted(pts)

    @staticmethod
    def interpolate(points, x) -> float | None:
        if not points or x < points[0][0] or x > points[-1][0]:
            return None
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if x0 <= x <= x1:
                return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        return points[-1][1] if x == points[-1][0] else None

    def gradr_runs(self) -> dict[str, list[Run]]:
        out: dict[str, list[Run]] = {}
        for r in sorted(self.res.searches.values(), key=lambda r: r.name):
            if r.method.startswith("gradr"):
                out.setdefault(r.method, []).append(r)
        return dict(sorted(out.items(), key=lambda kv: kv[1][0].alpha if kv[1][0].alpha is not None else math.inf))

    def pair_rows(self, first, second):
        """Accuracy rows of two methods ((title, method) each) at every level, and their difference."""
        rows = [[title] + [(s.text() if (s := self.acc(m, i)) else "—") for i in range(len(LEVELS))]
                for title, m in (first, second)]
        diff = []
        for i in range(len(LEVELS)):
            a, b = self.acc(first[1], i), self.acc(second[1], i)
            diff.append(self.noise.diff_text(a, b) if a and b else "—")
        return rows + [[f"{first[0]} − {second[0]} (points)"] + diff]

    def table2(self):
        cols = [self.level_name(i) for i in range(len(LEVELS))]
        self.out("## Table 2 analogue: IMP vs Deep R vs Grad R", "")
        rows = self.pair_rows(("IMP", "imp"), ("Deep R", "deepr"))
        self.out("**Accuracy (%) at the four levels**", "")
        self.out(*table(["method"] + cols, rows), "")
        self.out(
            "**Grad R: connectivity reached per prior strength α** (IMP at the same sparsity: linear interpolation "
            "between IMP's levels, mean over seeds; — outside IMP's range)",
            "",
        )
        curve = self.imp_curve()
        rows = []
        for method, runs in self.gradr_runs().items():
            lvs = [next((lv for lv in r.levels if lv.full_t and lv.level > 0), None) for r in runs]
            lvs = [lv for lv in lvs if lv is not None]
            if not lvs:
                continue
            sp, acc = stat(lv.weight_sparsity for lv in lvs), stat(lv.accuracy for lv in lvs)
            imp = self.interpolate(curve, sp.mean)
            alpha = runs[0].alpha
            rows.append(
                [method, f"{alpha:g}" if alpha is not None else "—", sp.text(2, n=False), f"{100 - sp.mean:.2f}",
                 acc.text(), f"{imp:.2f}" if imp is not None else "—",
                 f"{imp - acc.mean:+.2f}" if imp is not None else "—"]
            )
        if rows:
            self.out(
                *table(["run set", "α", "weight sparsity (%)", "connectivity (%)", "Grad R accuracy (%)", "IMP (%)",
                        "IMP − Grad R"], rows),
                "",
            )
        else:
            self.out("Not yet run (stage 6).", "")
        runs = self.res.method_runs("imp") + self.res.method_runs("deepr") + [r for rs in self.gradr_runs().values() for r in rs]
        self.out(sources_line(runs), "")

    def fig3_grid(self) -> dict[tuple[int, int], Run]:
        grid = {}
        for r in self.res.fig3.values():
            m = re.fullmatch(r"oneshot-pre(\d+)-post(\d+)", r.name)
            if m:
                grid[(int(m.group(1)), int(m.group(2)))] = r
            elif "search-timesteps" in r.axes and "post" in r.axes:
                grid[(int(r.axes["search-timesteps"]), int(r.axes["post"]))] = r
        return grid

    def fig3_masks(self) -> list[float]:
        targets = sorted({lv.target for r in self.res.fig3.values() for lv in r.levels if lv.target is not None})
        return targets or [89.91, 95.69]

    def fig3(self):
        grid = self.fig3_grid()
        self.out("## Fig. 3 analogue: masks found at T_pre, retrained at T_post (seed 0)", "")
        if not grid:
            self.out("Not yet run (stages 7, 12): no `fig3.json` or `fig3.csv`.", "")
            return
        ts = range(1, 6)
        for mask in self.fig3_masks():
            self.out(f"**Mask {mask:.2f}%: test accuracy (%) at T_post**", "")
            rows = []
            for pre in ts:
                cells = []
                for post in ts:
                    r = grid.get((pre, post))
                    lv = next((lv for lv in r.levels if lv.target == mask), None) if r else None
                    cells.append(f"{lv.accuracy:.2f}" if lv else ("" if pre > post else "—"))
                rows.append([f"T_pre {pre}"] + cells)
            self.out(*table(["", *(f"T_post {p}" for p in ts)], rows), "")
        self.out("**Dense network trained at T_pre (the level the masks come from), test accuracy (%) at T_pre**", "")
        cells = []
        for pre in ts:
            vals = [lv.accuracy for (p, _), r in sorted(grid.items()) if p == pre for lv in r.levels if lv.level == 0][:1]
            cells.append(f"{vals[0]:.2f}" if vals else "—")
        self.out(*table([f"T_pre {p}" for p in ts], [cells]), "")
        d, src = self.dense()
        if d:
            self.out(f"Dense reference at T = 5: {d.text(n=False)}% (n={d.n}; {src}).", "")
        self.out("— : not yet run (T_post = 5 row: stage 7; the rest: stage 12); blank: T_pre > T_post (not run).", "")
        self.out(sources_line(grid.values(), ["dense.csv"] if self.res.dense else None), "")

    def fig5(self):
        self.out("## Fig. 5 analogue: accuracy vs sparsity per method (every level at full T)", "")
        order = ["imp", "imp+et", "eb", "eb+et", "eb-c1", "snip", "random", "transfer", "deepr"]
        methods = sorted({r.method for r in self.res.searches.values()}, key=lambda m: (order.index(m) if m in order else len(order), m))
        rows = []
        used = []
        for m in methods:
            runs = self.res.method_runs(m)
            used += runs
            by_label: dict[tuple, list[Level]] = {}
            for r in runs:
                for lv in r.levels:
                    if lv.full_t:
                        by_label.setdefault((lv.level, lv.label), []).append(lv)
            for (level, label), lvs in sorted(by_label.items()):
                sp, acc = stat(lv.weight_sparsity for lv in lvs), stat(lv.accuracy for lv in lvs)
                rows.append([m, str(level), label, f"{sp.mean:.2f}", acc.text()])
        d, src = self.dense()
        if d and self.res.dense:
            rows.append(["dense", "—", "dense.csv", "0.00", d.text()])
        if rows:
            self.out(*table(["method", "level", "label", "weight sparsity (%)", "test accuracy (%)"], rows), "")
        else:
            self.out("Not yet run (stages 2–6).", "")
        self.out(sources_line(used, ["dense.csv"] if self.res.dense else None), "")

    def eb_epochs(self, method: str) -> list[tuple[int, Stat | None, int, int]]:
        """Per column: mean detection epoch of the targets that fired, fired count, run count."""
        out = []
        for i in range(len(LEVELS)):
            got = self.at(method, i)
            if not got:
                continue
            fired = [lv.eb_epoch for _, lv in got if lv.eb_fired and lv.eb_epoch is not None]
            out.append((i, stat(float(e) for e in fired), len(fired), len(got)))
        return out

    def fig7a(self):
        self.out("## Fig. 7a analogue: early-bird detection epoch per target", "")
        rows = []
        runs = []
        for m in ("eb", "eb+et", "eb-c1"):
            runs += self.res.method_runs(m)
            for i, s, fired, total in self.eb_epochs(m):
                known = any(lv.eb_fired is not None for _, lv in self.at(m, i))
                if not known:
                    rows.append([m, self.level_name(i, False), "— (CSV: no detection data)", "—"])
                    continue
                rows.append([m, self.level_name(i, False), s.text() if s else "did not fire", f"{fired} of {total}"])
        if rows:
            self.out(*table(["method", "target", "detection epoch (fired runs)", "fired"], rows), "")
        else:
            self.out("Not yet run (stage 4).", "")
        self.out(sources_line(runs), "")

    def fig8(self):
        self.out("## Fig. 8 analogue: ANN-transferred tickets vs SNN IMP", "")
        cols = [self.level_name(i) for i in range(len(LEVELS))]
        rows = []
        for title, m in (("SNN IMP", "imp"), ("transfer (ANN mask, SNN training)", "transfer")):
            rows.append([title] + [(s.text() if (s := self.acc(m, i)) else "—") for i in range(len(LEVELS))])
        ann = []
        for i in range(len(LEVELS)):
            s = stat(lv.ann_accuracy for _, lv in self.at("transfer", i))
            ann.append(s.text() if s else "—")
        rows.append(["ANN IMP (the ANN with the round's mask)"] + ann)
        diff = []
        for i in range(len(LEVELS)):
            a, b = self.acc("transfer", i), self.acc("imp", i)
            diff.append(self.noise.diff_text(a, b) if a and b else "—")
        rows.append(["transfer − SNN IMP (points)"] + diff)
        self.out(*table([""] + cols, rows), "")
        self.out(sources_line(self.res.method_runs("imp") + self.res.method_runs("transfer")), "")

    def fig9(self):
        self.out("## Fig. 9 analogue: SNIP vs random pruning (SNN)", "")
        cols = [self.level_name(i, False) for i in range(len(LEVELS))]
        rows = self.pair_rows(("SNIP", "snip"), ("random", "random"))
        self.out(*table([""] + cols, rows), "")
        self.out(sources_line(self.res.method_runs("snip") + self.res.method_runs("random")), "")

    def spikes_by_level(self) -> list[tuple[int, str, Stat, Stat]]:
        by_level: dict[int, list[Level]] = {}
        for r in self.res.method_runs("imp"):
            for lv in r.levels:
                if lv.full_t and lv.spikes is not None:
                    by_level.setdefault(lv.level, []).append(lv)
        return [
            (level, lvs[0].label, stat(lv.weight_sparsity for lv in lvs), stat(lv.spikes for lv in lvs))
            for level, lvs in sorted(by_level.items())
        ]

    def fig10(self):
        self.out("## Fig. 10 analogue: spikes per test image across IMP levels", "")
        rows = []
        levels = self.spikes_by_level()
        dense = next((s for level, _, _, s in levels if level == 0), None)
        for level, label, sp, s in levels:
            ratio = f"{s.mean / dense.mean:.3f}" if dense and dense.mean > 0 else "—"
            rows.append([str(level), label, f"{sp.mean:.2f}", s.text(1), ratio])
        if rows:
            self.out(*table(["level", "label", "weight sparsity (%)", "spikes per image", "÷ dense (level 0)"], rows), "")
        else:
            self.out("Not yet run (stage 2).", "")
        self.out(sources_line(self.res.method_runs("imp")), "")

    # -- claims ---------------------------------------------------------------------------------

    def claims(self):
        self.out("## Claims", "")
        self.out(
            "Rules. A difference d = a − b of two accuracies (points) has the standard error "
            "SE = sqrt(SE_a² + SE_b²), where the SE of a mean over n seeds is sqrt(max(sd², se²)/n), sd the seeds' "
            "sample sd (0 for one seed) and se = sqrt(p(1−p)/N) the binomial standard error of one accuracy p on N "
            f"test images (N = {self.noise.images}); d is **inside the noise** when |d| < 2 SE. A status is decided by "
            "the threshold of its rule on the means; the noise is stated beside it and does not change the status. "
            "**reproduced** / **not reproduced**: every level the rule names is in the files; **not yet run (stage N)**: "
            "a level or run the rule needs has not been collected (what is there so far follows); **not tested**: not "
            "planned. \"seeds n of 3\": the rule was decided on fewer seeds than planned.",
            "",
            "1. IMP within 1 point of dense: at each of the four levels, mean(IMP) − mean(dense) ≥ −1 point.",
            "2. ET cuts search cost: at each of the four levels, IMP+ET's Table 1 work gain over IMP ≥ ×1.2 and "
            "mean(IMP+ET) − mean(IMP) ≥ −1 point (EB+ET vs EB reported beside it, not decided).",
            "3. EB cheap but fails above ≈ 90%: EB's Table 1 work < IMP's at every level; mean(EB) − mean(IMP) ≥ −1 "
            "point at 68.30 and 89.91%, < −1 point at 95.69 and 98.13% (the paper's Sec. 4.2 has EB finding winning "
            "tickets above 95% on SVHN and Fashion-MNIST; the ≈ 90% limit is CIFAR's).",
            "4. EB earlier at higher sparsity: EB's mean detection epoch (fired targets) does not rise from one target "
            "to the next sparser one and is lower at 98.13% than at 68.30%; a target with no detection fails the rule.",
            "5. Fig. 3: at T_post = 5 and both masks, every T_pre ∈ {3, 4, 5} ≥ mean(dense) − 1 point, and T_pre = 2 "
            "is below the lowest of T_pre ∈ {3, 4, 5} by more than 2 SE.",
            "6. Transfer within 2 points of IMP at 98.13%: mean(transfer) − mean(IMP) ≥ −2 points at 98.13% (the other "
            "levels reported).",
            "7. SNIP below random above 80%: mean(SNIP) < mean(random) at 89.91, 95.69 and 98.13%.",
            "8. Spikes roughly constant: every IMP level's spikes per image within ±20% of the dense level's (level "
            "0), up to round 14.",
            "9. IMP beats Grad R and Deep R: mean(IMP) ≥ mean(Deep R) at each of the four levels, and IMP "
            "(interpolated) ≥ Grad R at the sparsity every α reaches inside IMP's range (≥ 1 α inside it).",
            "",
        )
        rows = [
            ("IMP finds winning tickets up to 98.13% (within ≈ 1 point of dense) — Table 1, Fig. 5", self.claim_imp()),
            ("ET cuts search cost ×1.2–1.66 at a small accuracy change — Table 1", self.claim_et()),
            ("EB tickets are cheap but fail above ≈ 90% — Table 1, conclusion", self.claim_eb()),
            ("EB is found earlier at higher sparsity — Fig. 7a", self.claim_eb_epoch()),
            ("Masks found at T_pre ≥ 3 retrain at T_post = 5 as well as dense; T_pre = 2 drops — Fig. 3", self.claim_fig3()),
            ("ANN tickets transfer on Fashion-MNIST within ≈ 2 points at 98.13% — Fig. 8", self.claim_transfer()),
            ("SNIP falls below random above 80% — Fig. 9", self.claim_snip()),
            ("Spikes per image stay roughly constant across IMP sparsity — Fig. 10", self.claim_spikes()),
            ("IMP beats Grad R and Deep R at comparable sparsity — Table 2", self.claim_table2()),
            ("Global beats layer-wise pruning — Fig. 6b", ("not tested", "ResNet19 and the layer-wise ablation are not planned")),
        ]
        self.out(*table(["#", "paper claim", "status", "evidence (points; files as in the tables above)"],
                        [[str(i + 1), c, f"**{s}**", e] for i, (c, (s, e)) in enumerate(rows)]))

    def seeds_note(self, methods: list[str]) -> str:
        """`; seeds n of 3 (stages …)` when a planned seed is missing."""
        missing = []
        for m in methods:
            have = {r.seed for r in self.res.method_runs(m)}
            missing += [f"{m}-s{s}" for s in SEEDS if s not in have]
        if not missing:
            return ""
        n = min(len({r.seed for r in self.res.method_runs(m)}) for m in methods)
        return f"; seeds {n} of 3 (the rest: {stages_text(missing)})"

    @staticmethod
    def pending(runs: list[str], so_far: str) -> tuple[str, str]:
        return f"not yet run ({stages_text(runs)})", so_far or "nothing collected yet"

    def levels_missing(self, method: str, cols) -> list[int]:
        return [i for i in cols if not self.at(method, i)]

    def claim_imp(self):
        d, src = self.dense()
        parts, ok = [], True
        for i in range(len(LEVELS)):
            a = self.acc("imp", i)
            if a and d:
                diff = a.mean - d.mean
                ok &= diff >= -1
                parts.append(f"{LEVELS[i]:.2f}%: {self.noise.diff_text(a, d)}")
        so_far = "IMP − dense " + "; ".join(parts) if parts else ""
        need = [] if d else ["dense-s0"]
        if self.levels_missing("imp", range(len(LEVELS))):
            need.append("imp-s0")
        if need:
            return self.pending(need, so_far)
        status = "reproduced" if ok else "not reproduced"
        return status, so_far + f" (dense: {src})" + self.seeds_note(["imp"])

    def claim_et(self):
        parts, ok, complete = [], True, True
        for i in range(len(LEVELS)):
            g = self.gain("imp", "imp+et", i)
            if g is None:
                complete = False
                continue
            wg, tg, a, b = g
            ok &= wg >= 1.2 and a.mean - b.mean >= -1
            wall = f", wall ×{tg:.2f}" if tg is not None else ""
            parts.append(f"{LEVELS[i]:.2f}%: work ×{wg:.2f}{wall}, Δ {self.noise.diff_text(a, b)}")
        eb = []
        for i in range(len(LEVELS)):
            g = self.gain("eb", "eb+et", i)
            if g:
                eb.append(f"{LEVELS[i]:.2f}% ×{g[0]:.2f}, Δ {g[2].mean - g[3].mean:+.2f}")
        text = ("IMP+ET vs IMP " + "; ".join(parts)) if parts else ""
        if eb:
            text += (" — " if text else "") + "EB+ET vs EB (work): " + "; ".join(eb)
        if not complete:
            return self.pending(["imp-s0", "imp+et-s0"], text)
        return ("reproduced" if ok else "not reproduced"), text + self.seeds_note(["imp", "imp+et"])

    def claim_eb(self):
        parts, ok = [], True
        for i in range(len(LEVELS)):
            a, b = self.acc("eb", i), self.acc("imp", i)
            we, _ = self.cost("eb", i)
            wi, _ = self.cost("imp", i)
            if not (a and b and we and wi):
                continue
            d = a.mean - b.mean
            ok &= we.mean < wi.mean
            ok &= d >= -1 if i < 2 else d < -1
            parts.append(f"{LEVELS[i]:.2f}%: EB − IMP {self.noise.diff_text(a, b)}, work {tmac(we.mean)} vs {tmac(wi.mean)} TMAC")
        text = "; ".join(parts)
        missing = self.levels_missing("eb", range(4)) or self.levels_missing("imp", range(4))
        if missing:
            return self.pending(["imp-s0", "eb-s0"], text)
        return ("reproduced" if ok else "not reproduced"), text + self.seeds_note(["eb", "imp"])

    def claim_eb_epoch(self):
        got = self.eb_epochs("eb")
        parts = [f"{LEVELS[i]:.2f}%: {s.text() if s else 'did not fire'} ({fired} of {total} fired)" for i, s, fired, total in got]
        if len(got) < len(LEVELS):
            return self.pending(["eb-s0"], "detection epoch " + "; ".join(parts) if parts else "")
        if any(lv.eb_fired is None for i in range(len(LEVELS)) for _, lv in self.at("eb", i)):
            return (
                "not yet run (stage 4: collect searches.json)",
                "EB was read from searches.csv only, which has no detection epochs",
            )
        means = [s.mean if s else None for _, s, _, _ in got]
        ok = all(m is not None for m in means) and all(b <= a for a, b in zip(means, means[1:])) and means[-1] < means[0]
        return ("reproduced" if ok else "not reproduced"), "detection epoch " + "; ".join(parts) + self.seeds_note(["eb"])

    def claim_fig3(self):
        grid = self.fig3_grid()
        d, src = self.dense()
        masks = [89.91, 95.69]
        parts, ok, need = [], True, []
        for mask in masks:
            vals = {}
            for pre in (2, 3, 4, 5):
                r = grid.get((pre, 5))
                lv = next((lv for lv in r.levels if lv.target is not None and abs(lv.target - mask) < 0.005), None) if r else None
                if lv is None:
                    need.append(f"oneshot-pre{pre}-post5")
                else:
                    vals[pre] = stat([lv.accuracy])
            if d:
                for pre in (3, 4, 5):
                    if pre in vals:
                        ok &= vals[pre].mean - d.mean >= -1
                        parts.append(f"{mask:.2f}% T_pre {pre} − dense {self.noise.diff_text(vals[pre], d)}")
            high = [vals[p] for p in (3, 4, 5) if p in vals]
            if 2 in vals and high:
                low = min(high, key=lambda s: s.mean)
                diff = vals[2].mean - low.mean
                ok &= diff < 0 and abs(diff) > 2 * self.noise.diff_se(vals[2], low)
                parts.append(f"{mask:.2f}% T_pre 2 − lowest T_pre ≥ 3 {self.noise.diff_text(vals[2], low)}")
        text = "; ".join(parts)
        if need or d is None:
            return self.pending(sorted(set(need)) + ([] if d else ["dense-s0"]), text)
        return ("reproduced" if ok else "not reproduced"), text + f" (dense: {src}; one seed)"

    def claim_transfer(self):
        parts = []
        for i in range(len(LEVELS)):
            a, b = self.acc("transfer", i), self.acc("imp", i)
            if a and b:
                parts.append(f"{LEVELS[i]:.2f}%: transfer − IMP {self.noise.diff_text(a, b)}")
        text = "; ".join(parts)
        a, b = self.acc("transfer", 3), self.acc("imp", 3)
        if not (a and b):
            return self.pending([n for n, s in (("transfer-s0", a), ("imp-s0", b)) if not s], text)
        return ("reproduced" if a.mean - b.mean >= -2 else "not reproduced"), text + "; transfer: one seed"

    def claim_snip(self):
        parts, ok = [], True
        for i in (1, 2, 3):
            a, b = self.acc("snip", i), self.acc("random", i)
            if a and b:
                ok &= a.mean < b.mean
                parts.append(f"{LEVELS[i]:.2f}%: SNIP − random {self.noise.diff_text(a, b)}")
        text = "; ".join(parts)
        if self.levels_missing("snip", (1, 2, 3)) or self.levels_missing("random", (1, 2, 3)):
            return self.pending(["snip-s0", "random-s0"], text)
        return ("reproduced" if ok else "not reproduced"), text + "; one seed"

    def claim_spikes(self):
        levels = self.spikes_by_level()
        dense = next((s for level, _, _, s in levels if level == 0), None)
        if not levels or dense is None or dense.mean <= 0:
            return self.pending(["imp-s0"], "")
        ratios = [(label, s.mean / dense.mean) for level, label, _, s in levels if level > 0]
        text = f"dense {dense.mean:.1f} spikes per image"
        if ratios:
            lo, hi = min(ratios, key=lambda x: x[1]), max(ratios, key=lambda x: x[1])
            text += f"; levels 1–{len(ratios)}: ×{lo[1]:.3f} ({lo[0]}) to ×{hi[1]:.3f} ({hi[0]}) of dense"
        ok = all(0.8 <= r <= 1.2 for _, r in ratios)
        last = max((lv.round or 0 for r in self.res.method_runs("imp") for lv in r.levels if lv.full_t), default=0)
        if last < self.imp_rounds[-1]:
            return self.pending(["imp-s0"], text + f" (rounds up to {last} of {self.imp_rounds[-1]})")
        return ("reproduced" if ok else "not reproduced"), text + self.seeds_note(["imp"])

    def claim_table2(self):
        parts, ok = [], True
        for i in range(len(LEVELS)):
            a, b = self.acc("imp", i), self.acc("deepr", i)
            if a and b:
                ok &= a.mean >= b.mean
                parts.append(f"{LEVELS[i]:.2f}%: IMP − Deep R {self.noise.diff_text(a, b)}")
        curve = self.imp_curve()
        inside = 0
        outside = []
        for method, runs in self.gradr_runs().items():
            lvs = [lv for r in runs for lv in r.levels if lv.full_t and lv.level > 0]
            if not lvs:
                continue
            sp, acc = stat(lv.weight_sparsity for lv in lvs), stat(lv.accuracy for lv in lvs)
            imp = self.interpolate(curve, sp.mean)
            if imp is None:
                outside.append(f"{method} ({sp.mean:.2f}%)")
                continue
            inside += 1
            ok &= imp >= acc.mean
            parts.append(f"{method} at {sp.mean:.2f}%: IMP − Grad R {imp - acc.mean:+.2f}")
        text = "; ".join(parts)
        if outside:
            text += ("; " if text else "") + "outside IMP's range: " + ", ".join(outside)
        need = []
        if self.levels_missing("imp", range(4)):
            need.append("imp-s0")
        if self.levels_missing("deepr", range(4)):
            need.append("deepr-s0")
        if not self.gradr_runs():
            need.append("gradr-a1e-4-s0")
        if need:
            return self.pending(need, text)
        if inside == 0:
            return "not reproduced", text + " (no Grad R α inside IMP's sparsity range)"
        return ("reproduced" if ok else "not reproduced"), text + self.seeds_note(["imp", "deepr"])


# ----------------------------------------------------------------------------------------------


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
    text = Report(Results(args.results), rounds).build()
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
