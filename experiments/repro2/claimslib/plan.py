"""The reproduction's plan (README.md): the paper's levels, the IMP rounds and seeds, and which
stage (README.md, "Stages") runs a run."""

from __future__ import annotations

import re
from pathlib import Path

# The paper's four sparsity levels (Table 1) and the IMP rounds that come nearest them (25% of the
# surviving weights per round: 68.36, 89.99, 95.78, 98.22%, so IMP keeps slightly fewer weights).
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
    if method in ("eb-c1", "imp+et-t3"):
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


def sweep_text(name: str) -> str | None:
    """The text of this folder's sweep file `name` (`dense.toml`, `sweep.toml`), None when missing."""
    path = Path(__file__).resolve().parent.parent / name
    try:
        return path.read_text()
    except OSError:
        return None


def sweep_threads(name: str) -> int | None:
    """`threads` in the [options] of this folder's sweep file `name` (`dense.toml`, `sweep.toml`),
    None when the file or the line is missing. The dense baselines ran with 2 threads, the searches
    with 1 (README.md, "Stages"); a run's bits depend on its thread count (DESIGN.md "Threads")."""
    text = sweep_text(name)
    if text is None:
        return None
    m = re.search(r"^threads\s*=\s*(\d+)\s*$", text, re.MULTILINE)
    return int(m.group(1)) if m else None


def planned_seeds(method: str) -> list[int]:
    """The seeds `sweep.toml` plans for a method (its `[axes.method.<method>]` table): the table's own
    `seed = …` when it restricts the seed axis (SNIP, random, transfer, Grad R at α = 1e-4, …), else
    SEEDS (also when the file or the table is missing)."""
    text = sweep_text("sweep.toml")
    if text is None:
        return SEEDS
    name = re.escape(method)
    table = re.search(rf'^\[axes\.method\.(?:"{name}"|{name})\]\s*$(.*?)(?=^\[|\Z)', text, re.MULTILINE | re.DOTALL)
    if not table:
        return SEEDS
    m = re.search(r"^seed\s*=\s*\[?\s*([\d,\s]+?)\s*\]?\s*$", table.group(1), re.MULTILINE)
    return [int(x) for x in m.group(1).split(",") if x.strip()] if m else SEEDS
