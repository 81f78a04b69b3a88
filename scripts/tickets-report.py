#!/usr/bin/env python3
"""Turns the `snnc prune --json` summaries of scripts/reproduce-paper.sh into a Markdown report.

Usage: scripts/tickets-report.py OUT_DIR

Reads OUT_DIR/results/<run>-s<seed>.json (and OUT_DIR/environment.txt if present) and writes
OUT_DIR/report.md, OUT_DIR/levels.csv (every level of every search), OUT_DIR/table1.csv
(Table-1-like aggregate) and OUT_DIR/spikes.csv (spikes per LIF layer of the IMP levels).
Standard library only.
"""
import csv
import json
import math
import os
import re
import statistics
import sys

PAPER_LABELS = [68.30, 89.91, 95.69, 98.13]
TOLERANCE = 0.15  # percentage points between a level's weight sparsity and a column
METHOD_ORDER = ["imp", "imp+et", "eb", "eb+et", "eb-c1", "snip", "random", "transfer"]
ITERATIVE = {"imp", "imp+et", "transfer"}


def load(out):
    runs = []
    folder = os.path.join(out, "results")
    for name in sorted(os.listdir(folder)):
        match = re.fullmatch(r"(.+)-s(\d+)\.json", name)
        if not match:
            continue
        with open(os.path.join(folder, name)) as f:
            summary = json.load(f)
        runs.append({"run": match.group(1), "seed": int(match.group(2)), "summary": summary})
    return runs


def full_t(summary):
    return summary["header"]["spec"]["timeSteps"]


def target_levels(run):
    """The levels a method reports as tickets (Table 1 cells)."""
    s = run["summary"]
    method = s["header"]["method"]
    targets = s["header"]["search"]["targets"]
    if method in ITERATIVE:
        rounds = {t["rounds"] for t in targets if "rounds" in t}
        return [lv for lv in s["levels"] if lv.get("round") in rounds and lv["timeSteps"] == full_t(s)]
    return [lv for lv in s["levels"] if lv["level"] >= 1]


def columns(runs):
    """Clusters the weight sparsities of all target levels into columns."""
    values = sorted({round(lv["weightSparsity"], 4) for r in runs for lv in target_levels(r)})
    clusters = []
    for v in values:
        if clusters and v - clusters[-1][0] <= TOLERANCE:
            clusters[-1].append(v)
        else:
            clusters.append([v])
    result = []
    for c in clusters:
        mean = sum(c) / len(c)
        label = next((p for p in PAPER_LABELS if abs(p - mean) <= TOLERANCE), None)
        result.append((c[0] - 1e-9, c[-1] + 1e-9, f"{label:.2f}" if label else f"{mean:.2f}"))
    return result


def column_of(cols, sparsity):
    for low, high, label in cols:
        if low <= round(sparsity, 4) <= high:
            return label
    return f"{sparsity:.2f}"


def mean_sd(values):
    if not values:
        return None, None
    if len(values) == 1:
        return values[0], None
    return statistics.mean(values), statistics.stdev(values)


def fmt_acc(values):
    m, sd = mean_sd([100 * v for v in values])
    if m is None:
        return "–"
    return f"{m:.2f}" + (f" ± {sd:.2f}" if sd is not None else "")


def fmt_work(values):
    m, _ = mean_sd(values)
    if m is None:
        return "–"
    if m == 0:
        return "0"
    return f"{m / 1e12:.3g}" if m >= 1e9 else f"{m / 1e12:.2e}"


def fmt_time(values):
    m, _ = mean_sd(values)
    if m is None:
        return "–"
    s = int(round(m))
    if s >= 3600:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


def ratio(a, b):
    a, b = mean_sd(a)[0], mean_sd(b)[0]
    if not a or not b:
        return "–"
    return f"×{a / b:.2f}"


def paper_cost(method, level):
    """Search cost as the paper's Table 1 seems to count it: IMP-like methods the whole chain
    (search + training of the ticket), early-bird the search phase only [inference]."""
    if method.startswith("eb"):
        return level["searchCost"]
    return {"work": level["searchCost"]["work"] + level["trainCost"]["work"],
            "seconds": level["searchCost"]["seconds"] + level["trainCost"]["seconds"]}


def method_of(run):
    return run["run"]


def order_key(name):
    return (METHOD_ORDER.index(name) if name in METHOD_ORDER else len(METHOD_ORDER), name)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    runs = load(out)
    if not runs:
        sys.exit(f"no results in {out}/results")
    cols = columns(runs)
    col_labels = [c[2] for c in cols]

    # levels.csv: everything.
    with open(os.path.join(out, "levels.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["run", "method", "seed", "level", "label", "round", "kept", "prunable", "parameters",
                    "paper_sparsity", "weight_sparsity", "time_steps", "test_accuracy", "test_images",
                    "spikes_per_image", "train_epochs", "search_work", "search_seconds", "train_work",
                    "train_seconds", "eval_work", "search_accuracy", "search_time_steps", "eb_epoch", "eb_fired",
                    "ann_accuracy"])
        for r in runs:
            s = r["summary"]
            for lv in s["levels"]:
                eb = lv.get("earlyBird") or {}
                w.writerow([r["run"], s["header"]["method"], r["seed"], lv["level"], lv["label"], lv.get("round", ""),
                            lv["sparsity"]["kept"], lv["sparsity"]["prunable"], lv["sparsity"]["parameters"],
                            f"{lv['paperSparsity']:.4f}", f"{lv['weightSparsity']:.4f}", lv["timeSteps"],
                            f"{lv['testAccuracy']:.6f}", lv["testImages"], f"{lv['spikesPerImage']:.3f}",
                            lv["trainEpochs"], lv["searchCost"]["work"], f"{lv['searchCost']['seconds']:.2f}",
                            lv["trainCost"]["work"], f"{lv['trainCost']['seconds']:.2f}", lv["evalCost"]["work"],
                            lv.get("searchAccuracy", ""), lv.get("searchTimeSteps", ""), eb.get("epoch", ""),
                            eb.get("fired", ""), lv.get("annAccuracy", "")])

    # Aggregate cells: (method, column) -> lists over seeds.
    cells = {}
    for r in runs:
        method = method_of(r)
        for lv in target_levels(r):
            key = (method, column_of(cols, lv["weightSparsity"]))
            c = cells.setdefault(key, {"acc": [], "pcw": [], "pcs": [], "sw": [], "ss": [], "tw": [], "ts": [],
                                       "paper": [], "weights": [], "seeds": []})
            pc = paper_cost(r["summary"]["header"]["method"], lv)
            c["acc"].append(lv["testAccuracy"])
            c["pcw"].append(pc["work"])
            c["pcs"].append(pc["seconds"])
            c["sw"].append(lv["searchCost"]["work"])
            c["ss"].append(lv["searchCost"]["seconds"])
            c["tw"].append(lv["searchCost"]["work"] + lv["trainCost"]["work"])
            c["ts"].append(lv["searchCost"]["seconds"] + lv["trainCost"]["seconds"])
            c["paper"].append(lv["paperSparsity"])
            c["weights"].append(lv["weightSparsity"])
            c["seeds"].append(r["seed"])
    methods = sorted({m for m, _ in cells}, key=order_key)
    dense = [lv["testAccuracy"] for r in runs if method_of(r) == "imp" for lv in r["summary"]["levels"] if lv["level"] == 0]

    with open(os.path.join(out, "table1.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["method", "column", "seeds", "weight_sparsity", "paper_sparsity", "accuracy_mean", "accuracy_sd",
                    "paper_cost_work", "paper_cost_seconds", "search_work", "search_seconds", "total_work", "total_seconds"])
        for m in methods:
            for col in col_labels:
                c = cells.get((m, col))
                if not c:
                    continue
                acc_m, acc_sd = mean_sd(c["acc"])
                w.writerow([m, col, len(c["acc"]), f"{statistics.mean(c['weights']):.4f}",
                            f"{statistics.mean(c['paper']):.4f}", f"{acc_m:.6f}", "" if acc_sd is None else f"{acc_sd:.6f}",
                            round(statistics.mean(c["pcw"])), f"{statistics.mean(c['pcs']):.1f}",
                            round(statistics.mean(c["sw"])), f"{statistics.mean(c['ss']):.1f}",
                            round(statistics.mean(c["tw"])), f"{statistics.mean(c['ts']):.1f}"])

    lines = []
    add = lines.append
    header = runs[0]["summary"]["header"]
    spec, training = header["spec"], header["training"]
    add("# Lottery tickets in SNNs: reduced reproduction")
    add("")
    add(f"Model {spec['architecture']} width {spec['width']}, T = {spec['timeSteps']}, "
        f"{training['data']['dataset']} (training subset {training['data'].get('trainSubset', 'all')}, "
        f"test subset {training['data'].get('testSubset', 'all')}), {training['epochs']} epochs per round, "
        f"batch {training['batchSize']}, lr {training['learningRate']}, weight decay {training['weightDecay']}.")
    env = os.path.join(out, "environment.txt")
    if os.path.exists(env):
        add("")
        add("```")
        add(open(env).read().strip())
        add("```")
    incomplete = [f"{r['run']}-s{r['seed']}" for r in runs if not r["summary"]["complete"]]
    if incomplete:
        add("")
        add(f"**Incomplete searches** (numbers below use their finished levels): {', '.join(incomplete)}")
    add("")
    add("## Table 1 analogue: accuracy and search cost")
    add("")
    add("Columns are sparsity levels (the paper's labels where they match: 68.30 = IMP round 4, 89.91 = round 8; "
        "matched on the sparsity of prunable weights within ±0.15 points). Accuracy: mean ± sd over seeds (test subset). "
        "*Cost to ticket* counts what the paper's search time seems to count: for IMP, IMP+ET and transfer every round "
        "up to and including the training of the ticket; for early-bird the search phase only (up to the drawn mask); "
        "for SNIP and random the gradient pass / nothing plus the training. Work is deterministic dense "
        "multiply–accumulates (TMAC = 10¹² MAC, forward + backward, conv and linear layers); time is wall clock.")
    add("")
    if dense:
        add(f"Dense (IMP round 0, T = {spec['timeSteps']}): **{fmt_acc(dense)} %** over {len(dense)} seed(s).")
        add("")
    add("| method | " + " | ".join(f"{c}: acc (%)" for c in col_labels) + " | " +
        " | ".join(f"{c}: cost to ticket TMAC / time" for c in col_labels) + " |")
    add("|---|" + "---|" * (2 * len(col_labels)))
    for m in methods:
        accs, costs = [], []
        for col in col_labels:
            c = cells.get((m, col))
            accs.append(fmt_acc(c["acc"]) if c else "–")
            costs.append(f"{fmt_work(c['pcw'])} / {fmt_time(c['pcs'])}" if c else "–")
        add(f"| {m} | " + " | ".join(accs) + " | " + " | ".join(costs) + " |")
    add("")
    add("Search and training separately (TMAC / time, mean over seeds):")
    add("")
    add("| method | column | seeds | search | search + train |")
    add("|---|---|---|---|---|")
    for m in methods:
        for col in col_labels:
            c = cells.get((m, col))
            if c:
                add(f"| {m} | {col} | {len(c['acc'])} | {fmt_work(c['sw'])} / {fmt_time(c['ss'])} | "
                    f"{fmt_work(c['tw'])} / {fmt_time(c['ts'])} |")

    add("")
    add("## Effect of early-time tickets (Table 1's Δ rows)")
    add("")
    add("Speed gain = cost without ET / cost with ET, on the deterministic work and on wall time "
        "(IMP: whole chain; EB: search phase).")
    add("")
    add("| pair | column | Δ acc (points) | work gain | time gain |")
    add("|---|---|---|---|---|")
    for base, with_et in [("imp", "imp+et"), ("eb", "eb+et")]:
        for col in col_labels:
            a, b = cells.get((base, col)), cells.get((with_et, col))
            if not a or not b:
                continue
            delta = 100 * (statistics.mean(b["acc"]) - statistics.mean(a["acc"]))
            add(f"| {with_et} vs {base} | {col} | {delta:+.2f} | {ratio(a['pcw'], b['pcw'])} | {ratio(a['pcs'], b['pcs'])} |")
    probes = [(r["run"], r["seed"], r["summary"]["results"].get("earlyTime")) for r in runs]
    probes = [p for p in probes if p[2]]
    if probes:
        add("")
        add("Early-time probes (normalised KL per candidate, chosen T_early):")
        add("")
        add("| run | seed | after epochs | normalised KL | T_early |")
        add("|---|---|---|---|---|")
        for run, seed, p in probes:
            values = ", ".join(f"{t}: {n:.3f}" for t, n in zip(p["candidates"], p["normalized"]))
            add(f"| {run} | {seed} | {p['afterEpochs']} | {values} | {p['chosen']} |")

    ebs = [(r, t) for r in runs for t in r["summary"]["results"].get("earlyBird", [])]
    if ebs:
        add("")
        add("## Early-bird detection (Fig. 7a analogue)")
        add("")
        add("| run | seed | target | drawn at epoch | fired | checks | search TMAC |")
        add("|---|---|---|---|---|---|---|")
        for r, t in ebs:
            d = t.get("detection")
            if not d:
                continue
            target = t["target"]
            label = f"{target['sparsityPercent']:.2f}%" if "sparsityPercent" in target else f"round {target['rounds']}"
            add(f"| {r['run']} | {r['seed']} | {label} | {d['epoch']:.2f} | {'yes' if d['fired'] else 'no (last mask)'} | "
                f"{d['checks']} | {fmt_work([d['cost']['work']])} |")

    imp_runs = [r for r in runs if method_of(r) == "imp"]
    if imp_runs:
        add("")
        add("## IMP rounds: spikes per image and time vs sparsity (Fig. 10 analogue)")
        add("")
        add("Total spikes of all LIF layers per test image (all time steps), mean over seeds.")
        add("")
        by_round = {}
        for r in imp_runs:
            for lv in r["summary"]["levels"]:
                by_round.setdefault(lv["round"], []).append(lv)
        peak = max(statistics.mean([lv["spikesPerImage"] for lv in lvs]) for lvs in by_round.values()) or 1
        seeds = sorted({r["seed"] for r in imp_runs})
        add("Round time = wall time of that round's training (its epochs at T, excluding the test-set "
            "evaluation), one value per seed (seeds " + ", ".join(map(str, seeds)) + "): runs may use "
            "different binaries, so times are not averaged. The work of every round is the same dense "
            "count, while masked convolutions move to the sparse kernels as rounds prune them "
            "(SparseKernelPolicy).")
        add("")
        add("| round | weight sparsity (%) | paper sparsity (%) | test acc (%) | round time | train TMAC | spikes / image | |")
        add("|---|---|---|---|---|---|---|---|")
        for k in sorted(by_round):
            lvs = by_round[k]
            spikes = statistics.mean([lv["spikesPerImage"] for lv in lvs])
            bar = "█" * max(1, int(round(30 * spikes / peak)))
            times = []
            for seed in seeds:
                lv = next((lv for r in imp_runs if r["seed"] == seed for lv in r["summary"]["levels"] if lv["round"] == k), None)
                times.append(fmt_time([lv["trainCost"]["seconds"]]) if lv else "–")
            add(f"| {k} | {statistics.mean([lv['weightSparsity'] for lv in lvs]):.2f} | "
                f"{statistics.mean([lv['paperSparsity'] for lv in lvs]):.2f} | {fmt_acc([lv['testAccuracy'] for lv in lvs])} | "
                f"{' / '.join(times)} | {fmt_work([lv['trainCost']['work'] for lv in lvs])} | "
                f"{spikes:.1f} | {bar} |")
        with open(os.path.join(out, "spikes.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["seed", "round", "weight_sparsity", "node", "neurons", "spikes_per_image"])
            for r in imp_runs:
                for lv in r["summary"]["levels"]:
                    for s in lv["spikes"]:
                        w.writerow([r["seed"], lv["round"], f"{lv['weightSparsity']:.4f}", s["node"], s["neurons"],
                                    f"{s['spikes']:.4f}"])
        last = max(imp_runs[0]["summary"]["levels"], key=lambda lv: lv["level"])
        add("")
        add(f"Layer-wise density of IMP round {last['round']} (seed {imp_runs[0]['seed']}; Fig. 6c analogue):")
        add("")
        add("| layer | kept | of | density (%) |")
        add("|---|---|---|---|")
        for layer in last["layers"]:
            add(f"| {layer['name']} | {layer['kept']} | {layer['count']} | {100 * layer['kept'] / max(layer['count'], 1):.2f} |")

    transfers = [r for r in runs if method_of(r) == "transfer"]
    if transfers:
        add("")
        add("## Transferred tickets (Fig. 8 analogue)")
        add("")
        add("| seed | round | weight sparsity (%) | ANN IMP acc (%) | transferred SNN acc (%) | SNN IMP acc (%) |")
        add("|---|---|---|---|---|---|")
        for r in transfers:
            imp_same_seed = next((x for x in imp_runs if x["seed"] == r["seed"]), None)
            for lv in r["summary"]["levels"]:
                snn = None
                if imp_same_seed:
                    snn = next((x["testAccuracy"] for x in imp_same_seed["summary"]["levels"] if x.get("round") == lv.get("round")), None)
                add(f"| {r['seed']} | {lv.get('round')} | {lv['weightSparsity']:.2f} | "
                    f"{fmt_acc([lv['annAccuracy']]) if 'annAccuracy' in lv else '–'} | {fmt_acc([lv['testAccuracy']])} | "
                    f"{fmt_acc([snn]) if snn is not None else '–'} |")

    add("")
    add("## Definitions")
    add("")
    add("- Sparsity (paper) = pruned weights / all parameters (weights, biases, BN γ/β), as the paper labels rounds; "
        "sparsity (weights) = pruned / prunable conv and linear weights.")
    add("- Work = images × (T·per-step MACs + once-per-image MACs), forward and backward, dense (pruned weights "
        "counted as multiplied, as on the paper's GPU; snnc's sparse kernels skip them, so wall time falls faster "
        "than work in late rounds). Test-set evaluation is excluded.")
    add("- IMP+ET levels are the tickets retrained at the full T; the search rounds ran at T_early.")
    add("- Files: levels.csv (every level), table1.csv (the cells above), spikes.csv (per LIF layer).")
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
