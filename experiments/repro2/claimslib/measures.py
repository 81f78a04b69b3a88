"""The results seen at the paper's four levels, as both the tables and the claim rules use them:
which stored level stands for which paper level (`column`), the accuracies and Table 1 costs of a
method there, the dense reference, the ET gains, IMP's accuracy–sparsity curve, the Grad R run
sets, the Fig. 3 grid, early-bird detection epochs and IMP's spikes per level.

`Section` adds the markdown lines a part of the report writes; `tables`, `figures`, `rules` and
`report` each build one on the same `Results`."""

from __future__ import annotations

import math
import re
import statistics

from .plan import ITERATIVE, LEVELS
from .records import Level, Run
from .results import Results
from .stats import Noise, Stat, stat


class Measures:
    """The results at the paper's levels; `imp_rounds` are the IMP rounds standing for them, in order."""

    def __init__(self, res: Results, imp_rounds: list[int]):
        self.res = res
        self.imp_rounds = imp_rounds
        images, why = res.test_images()
        self.images_why = why
        self.noise = Noise(images)

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
        got = self.at(method, col)
        return stat((lv.accuracy for _, lv in got), (run.seed for run, _ in got))

    def dense(self) -> tuple[Stat | None, str]:
        """The dense reference: dense.csv, else IMP's level 0 (the same training)."""
        if self.res.dense:
            return stat((d.accuracy for d in self.res.dense), (d.seed for d in self.res.dense)), "dense.csv"
        lv0 = [(r.seed, lv) for r in self.res.method_runs("imp") for lv in r.levels if lv.round == 0 and lv.full_t]
        if lv0:
            return stat((lv.accuracy for _, lv in lv0), (seed for seed, _ in lv0)), "IMP level 0 (no dense.csv)"
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

    def gain(self, base: str, early: str, col: int):
        wb, tb = self.cost(base, col)
        we, t_e = self.cost(early, col)
        a, b = self.acc(early, col), self.acc(base, col)
        if wb is None or we is None or a is None or b is None:
            return None
        wg = wb.mean / max(we.mean, 1)
        tg = tb.mean / t_e.mean if tb and t_e and t_e.mean > 0 else None
        return wg, tg, a, b

    # -- curves and per-figure data -------------------------------------------------------------

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

    def fig3_grid(self) -> dict[tuple[int, int], Run]:
        grid = {}
        for r in self.res.fig3.values():
            m = re.fullmatch(r"oneshot-pre(\d+)-post(\d+)", r.name)
            if m:
                grid[(int(m.group(1)), int(m.group(2)))] = r
            elif "search-timesteps" in r.axes and "post" in r.axes:
                grid[(int(r.axes["search-timesteps"]), int(r.axes["post"]))] = r
        return grid

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


class Section(Measures):
    """A part of the report: the measures of the results and the markdown lines it writes."""

    def __init__(self, res: Results, imp_rounds: list[int]):
        super().__init__(res, imp_rounds)
        self.lines: list[str] = []

    def write(self):
        """Append this part's sections to `lines`, in order."""
        raise NotImplementedError

    def out(self, *lines: str):
        self.lines.extend(lines)

    def level_name(self, col: int, rounds: bool = True) -> str:
        """`68.30%`, with the IMP round that stands for it when `rounds`."""
        r = self.imp_rounds[col] if rounds and col < len(self.imp_rounds) else None
        return f"{LEVELS[col]:.2f}%" + (f" (round {r})" if r is not None else "")

    def pair_rows(self, first, second):
        """Accuracy rows of two methods ((title, method) each) at every level, and their difference."""
        rows = [[title] + [(s.text() if (s := self.acc(m, i)) else "—") for i in range(len(LEVELS))]
                for title, m in (first, second)]
        diff = []
        for i in range(len(LEVELS)):
            a, b = self.acc(first[1], i), self.acc(second[1], i)
            diff.append(self.noise.diff_text(a, b) if a and b else "—")
        return rows + [[f"{first[0]} − {second[0]} (points)"] + diff]
