"""The report's table sections: the dense baseline (stage 1), the Table 1 analogue (IMP, IMP+ET, EB,
EB+ET: accuracy, sparsity reached, Table 1 cost, ET gains) and the Table 2 analogue (IMP vs Deep R
at the four levels, Grad R's connectivity per α against IMP interpolated there)."""

from __future__ import annotations

from .markdown import duration, sources_line, table, tmac
from .measures import Section
from .plan import LEVELS, SEEDS, stages_text, sweep_threads
from .records import Run
from .stats import stat


class Tables(Section):
    def write(self):
        self.dense_section()
        self.table1()
        self.table2()

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
            elif lv0.sha == sha:
                same = "yes"
            else:
                # Equal bits need equal thread counts: say so instead of flagging a difference
                # that only the float summation order makes.
                dense_threads, search_threads = sweep_threads("dense.toml"), sweep_threads("sweep.toml")
                if dense_threads is not None and search_threads is not None and dense_threads != search_threads:
                    same = f"no: {dense_threads} vs {search_threads} threads; IMP level 0 {lv0.accuracy:.2f}%"
                else:
                    same = "**no**"
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
        def accuracy(m, i):
            s = self.acc(m, i)
            return s.text() if s else "—"

        def sparsity(m, i):
            s = stat(lv.weight_sparsity for _, lv in self.at(m, i))
            return f"{s.mean:.2f}" if s else "—"

        def cost(m, i):
            w, s = self.cost(m, i)
            if w is None:
                return "—"
            wall = duration(s.mean) if s else "—"
            if s and s.n != w.n:
                wall += f" ({s.n} of {w.n} seeds)"
            return f"{tmac(w.mean)} / {wall}"

        for caption, cell in (
            ("**Test accuracy (%)**", accuracy),
            ("**Weight sparsity reached (% of prunable weights, mean over seeds)**", sparsity),
            ("**Table 1 cost: work (TMAC) / wall time**", cost),
        ):
            rows = [[title] + [cell(m, i) for i in range(len(LEVELS))] for title, m in methods]
            self.out(caption, "", *table(["method"] + cols, rows), "")
        self.out("**ET gain: full-T cost / early-time cost (ratio of the means), Δ accuracy = ET − full T (points)**", "")
        rows, not_comparable = [], []
        for base, early in (("imp", "imp+et"), ("eb", "eb+et")):
            gains = [(i, g) for i in range(len(LEVELS)) if (g := self.gain(base, early, i)) is not None]
            # A wall-time ratio measures ET only when both runs were timed under the same conditions
            # (binary, machine load). A level where both did the same work but not in the same time
            # shows they were not; that pair's wall-time gains are then marked, not compared.
            same_work = [
                (i, tg) for i, (wg, tg, _, _) in gains if tg is not None and abs(wg - 1) < 0.005 and abs(tg - 1) > 0.1
            ]
            if same_work:
                not_comparable.append((base, early, same_work))
            for i, (wg, tg, a, b) in gains:
                wall = "—" if tg is None else (f"not comparable (×{tg:.2f})" if same_work else f"×{tg:.2f}")
                rows.append(
                    [f"{early} vs {base}", self.level_name(i, rounds=base == "imp"), f"×{wg:.2f}", wall,
                     self.noise.diff_text(a, b), f"{a.n} / {b.n}"]
                )
        if rows:
            self.out(*table(["pair", "level", "work gain", "wall-time gain", "Δ accuracy", "seeds (ET / full T)"], rows), "")
        else:
            self.out("No pair has a level in common yet (stages 2–4).", "")
        for base, early, same_work in not_comparable:
            where = ", ".join(self.level_name(i, False) for i, _ in same_work)
            ratios = ", ".join(f"×{tg:.2f}" for _, tg in same_work)
            self.out(
                f"Wall-time gains of {early} vs {base}: not comparable. At {where} both searches did the same work "
                f"(×1.00) yet their wall times differ {ratios}, so the two runs were timed under different conditions "
                "(binary, machine load; README.md, \"The pinned binary\"). The work gain is the measure.",
                "",
            )
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
