"""The records read from a results folder: one `Run` per search (its `Level`s: accuracy, sparsity,
costs, early-bird and ANN data per level) and one `Dense` per dense baseline run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


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
    layers: list[tuple[str, int, int]] | None = None  # (weight, kept, count) per prunable layer

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
    early_kl: dict[int, float] | None = None  # the probe's normalised KL divergence per candidate t
    alpha: float | None = None  # Grad R's prior strength
    axes: dict = field(default_factory=dict)
    complete: bool = True  # the summary's `complete` (a search stopped before its last level: False)


def split_name(name: str) -> tuple[str, int | None]:
    m = re.fullmatch(r"(.+)-s(\d+)", name)
    return (m.group(1), int(m.group(2))) if m else (name, None)


@dataclass
class Dense:
    seed: int
    run: str
    accuracy: float  # percent
    train_accuracy: float | None
    epochs: int | None
    sha: str | None
    source: str
