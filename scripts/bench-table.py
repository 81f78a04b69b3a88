#!/usr/bin/env python3
"""Median table of snnc vs SpikingJelly from scripts/bench-anchors.sh output (stdlib only)."""
import json
import statistics
import sys
from pathlib import Path

out, runs = Path(sys.argv[1]), int(sys.argv[2])


def anchor_rows(i):
    data = json.loads((out / f"anchor-{i}.json").read_text())
    rows = data["runs"]
    return {r["model"]: r for r in rows if r.get("impl") == "sj" and r.get("allocator", "default") == "default" and "error" not in r}


def paper_rows(i):
    row = json.loads((out / f"sj-vgg16-paper-w8-{i}.json").read_text())
    # The SJ script measures one process for both passes: its peak RSS stands for both.
    row["peak_rss_train_mb"] = row["peak_rss_infer_mb"] = row["peak_rss_mb"]
    return row


keys = ["train_img_s", "infer_img_s", "peak_rss_train_mb", "peak_rss_infer_mb"]
print(f"| model | batch | metric | SpikingJelly (median of {runs}) | snnc (median of {runs}) | snnc / SJ |")
print("|---|---|---|---|---|---|")
for model in ["small", "vgg16", "vgg16-paper-w8"]:
    if model == "vgg16-paper-w8":
        sj = [paper_rows(i) for i in range(1, runs + 1)]
    else:
        sj = [anchor_rows(i)[model] for i in range(1, runs + 1)]
    sn = [json.loads((out / f"snnc-{model}-{i}.json").read_text()) for i in range(1, runs + 1)]
    for key in keys:
        a = statistics.median(float(r[key]) for r in sj)
        b = statistics.median(float(r[key]) for r in sn)
        print(f"| {model} | {sn[0]['batch']} | {key} | {a:.1f} | {b:.1f} | {b / a:.2f}x |")
