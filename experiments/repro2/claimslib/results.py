"""Reading a results folder: searches.json, per-run `snnc prune --json` summaries, searches.csv,
fig3.json/fig3.csv and dense.csv/dense.json, into one `Results`. A file that cannot be read is
left out and named in `Results.notes`. A search found in several files is taken from searches.json,
else its own <run>.json, else searches.csv (no wall times); a Fig. 3 run from fig3.json, else fig3.csv."""

from __future__ import annotations

import csv
import json
import os
import re

from .plan import DEFAULT_TEST_IMAGES
from .records import Dense, Level, Run, split_name


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
    if early.get("candidates") and early.get("normalized"):
        run.early_kl = {int(t): float(v) for t, v in zip(early["candidates"], early["normalized"])}
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
                layers=layers_of(info),
            )
        )
    return run


def layers_of(info: dict) -> list[tuple[str, int, int]] | None:
    """A level's per-layer kept/count (`snnc inspect --json`; the sweep collections leave it out)."""
    layers = info.get("layers")
    if not layers:
        return None
    return [(str(x["name"]), int(x["kept"]), int(x["count"])) for x in layers]


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
        self._add_layers(runs)
        for run in sorted(runs.values(), key=lambda r: r.name):
            if not run.complete:
                self.notes.append(f"{run.name} ({run.source}): the search is not complete; its stored levels are used")
        self.searches = runs

    def _add_layers(self, runs: dict[str, Run]):
        """Per-layer densities from a run's own <run>.json when its levels came without them."""
        for name, run in runs.items():
            p = self.path(name + ".json")
            if all(lv.layers for lv in run.levels) or not os.path.isfile(p):
                continue
            try:
                with open(p) as f:
                    by_level = {int(info["level"]): layers_of(info) for info in json.load(f).get("levels", [])}
            except (OSError, ValueError, KeyError, TypeError) as e:
                self.notes.append(f"{name}.json: its layer densities could not be read ({type(e).__name__}: {e})")
                continue
            for lv in run.levels:
                lv.layers = lv.layers or by_level.get(lv.level)

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
