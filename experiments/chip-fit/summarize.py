#!/usr/bin/env python3
"""Prints the chip-fit results as Markdown tables from results/<run>.json (`snnc inspect --json`
of each finished ticket file). Usage, in this folder: python3 summarize.py [results/*.json]

Table 1: per run, the first level that fits its target, and the level `--level best-fit` picks.
Table 2: every level of every run (sparsity, accuracies, cores, energy, the first violation).
"""
import glob
import json
import sys


def pct(x):
    return f"{100 * x:.2f}"


def level_fit(d, level):
    fit = d.get("fits", {}).get(str(level))
    return fit["targets"][0] if fit else None


def cores_needed(fit):
    """The cores a level uses, or for one short of cores those the compiler's cut needs (TargetFit.coresNeeded)."""
    if fit.get("cores") is not None:
        return fit["cores"]
    layers = fit.get("layers")
    return sum(layer["cores"] for layer in layers) if layers else None


def cost(info):
    """Search plus training of the level, as snnc's ledger counts it (work in TMAC, wall in minutes)."""
    work = info["searchCost"]["work"] + info["trainCost"]["work"]
    seconds = info["searchCost"]["seconds"] + info["trainCost"]["seconds"]
    return work / 1e12, seconds / 60


def run_name(path):
    return path.split("/")[-1].removesuffix(".json")


def main(paths):
    runs = [(run_name(p), json.load(open(p))) for p in paths]
    print("| run | target | first fitting level | rounds | weight sparsity (%) | test (%) | Δ vs dense (points) "
          "| validation (%) | cores | energy (µJ) | search + training to it (TMAC / min) | best-fit level (test %) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, d in runs:
        levels = sorted(d["levels"], key=lambda i: i["level"])
        dense = next(i for i in levels if i["level"] == 0)
        first = next((i for i in levels if (level_fit(d, i["level"]) or {}).get("fits")), None)
        target = (level_fit(d, 0) or {}).get("target", "?")
        best = d.get("bestFit")
        best_info = next((i for i in levels if i["level"] == best), None) if best is not None else None
        best_text = f"{best} ({pct(best_info['testAccuracy'])})" if best_info else "–"
        if first is None:
            print(f"| {name} | {target} | none | – | – | – | – | – | – | – | – | {best_text} |")
            continue
        fit = level_fit(d, first["level"])
        work, minutes = cost(first)
        print(
            f"| {name} | {target} | {first['level']} | {first.get('round', first['level'])} | {first['weightSparsity']:.2f} "
            f"| {pct(first['testAccuracy'])} | {100 * (first['testAccuracy'] - dense['testAccuracy']):+.2f} "
            f"| {pct(first['validationAccuracy']) if first.get('validationAccuracy') is not None else '–'} "
            f"| {fit['cores']} / {fit['coresAvailable']} | {fit['energyPicojoules'] / 1e6:.2f} "
            f"| {work:.1f} / {minutes:.0f} | {best_text} |")
    print()
    print("| run | level | weight sparsity (%) | test (%) | validation (%) | cores | energy (µJ) | fits |")
    print("|---|---|---|---|---|---|---|---|")
    for name, d in runs:
        for info in sorted(d["levels"], key=lambda i: i["level"]):
            fit = level_fit(d, info["level"]) or {}
            violations = fit.get("violations") or []
            verdict = "yes" if fit.get("fits") else ("no: " + violations[0]["message"] if violations else "–")
            needed = cores_needed(fit)
            cores = f"{needed} / {fit['coresAvailable']}" if needed is not None else "–"
            energy = f"{fit['energyPicojoules'] / 1e6:.2f}" if fit.get("energyPicojoules") is not None else "–"
            val = pct(info["validationAccuracy"]) if info.get("validationAccuracy") is not None else "–"
            print(f"| {name} | {info['level']} | {info['weightSparsity']:.2f} | {pct(info['testAccuracy'])} | {val} "
                  f"| {cores} | {energy} | {verdict} |")


if __name__ == "__main__":
    main(sys.argv[1:] or sorted(glob.glob("results/*.json")))
