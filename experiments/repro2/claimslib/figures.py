"""The report's figure sections, each as numeric tables: Fig. 3 (masks found at T_pre, retrained at
T_post), Fig. 5 (accuracy vs sparsity per method), Fig. 7a (early-bird detection epoch per target),
Fig. 8 (ANN-transferred tickets vs SNN IMP), Fig. 9 (SNIP vs random) and Fig. 10 (spikes per image
across IMP levels)."""

from __future__ import annotations

from .markdown import sources_line, table
from .measures import Section
from .plan import LEVELS, stage_of
from .records import Level
from .stats import stat


class Figures(Section):
    def write(self):
        self.fig3()
        self.fig5()
        self.fig7a()
        self.fig8()
        self.fig9()
        self.fig10()

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
        missing = set()
        for mask in self.fig3_masks():
            self.out(f"**Mask {mask:.2f}%: test accuracy (%) at T_post**", "")
            rows = []
            for pre in ts:
                cells = []
                for post in ts:
                    r = grid.get((pre, post))
                    lv = next((lv for lv in r.levels if lv.target == mask), None) if r else None
                    if lv is None and pre <= post:
                        missing.add(f"oneshot-pre{pre}-post{post}")
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
        # Stage 7 runs the T_post = 5 column, stage 12 the rest (plan.stage_of).
        columns = {7: "T_post = 5", 12: "T_post ≤ 4"}
        stages = sorted({s for s in (stage_of(r) for r in missing) if s is not None})
        pending = "; ".join(f"stage {s}: {columns.get(s, '?')}" for s in stages)
        self.out((f"— : not yet run ({pending}); " if pending else "") + "blank: T_pre > T_post (not run).", "")
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
