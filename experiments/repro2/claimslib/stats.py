"""Statistics of accuracies over seeds: `Stat` (mean, sample sd, n) and `Noise` (the standard errors
from the seeds' spread and the binomial error of one accuracy on N test images)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


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

    def at_least(self, a: Stat, b: Stat, threshold: float) -> bool | None:
        """Whether mean(a) − mean(b) ≥ threshold beyond the noise: True when d − 2 SE ≥ threshold,
        False when d + 2 SE < threshold, None (inconclusive) in between."""
        d = a.mean - b.mean
        two = 2 * self.diff_se(a, b)
        if d - two >= threshold:
            return True
        if d + two < threshold:
            return False
        return None

    def below(self, a: Stat, b: Stat, threshold: float = 0.0) -> bool | None:
        """Whether mean(a) − mean(b) < threshold beyond the noise (the negation of `at_least`)."""
        v = self.at_least(a, b, threshold)
        return None if v is None else not v


def status(verdicts) -> str:
    """A claim's status from its conditions (True / False / None for inside the noise): any False
    → not reproduced; all True → reproduced; else inconclusive."""
    verdicts = list(verdicts)
    if any(v is False for v in verdicts):
        return "not reproduced"
    if verdicts and all(v is True for v in verdicts):
        return "reproduced"
    return "inconclusive"


def condition_text(noise: Noise, a: Stat, b: Stat, threshold: float, below: bool = False) -> tuple[bool | None, str]:
    """The verdict of `a − b ≥ threshold` (or `< threshold` when `below`) and its evidence:
    `-1.10 ± 0.57 (2 SE; ≥ -1: inside the noise)`."""
    v = noise.below(a, b, threshold) if below else noise.at_least(a, b, threshold)
    word = {True: "holds", False: "fails", None: "inside the noise"}[v]
    cond = f"{'<' if below else '≥'} {threshold:g}"
    return v, f"{a.mean - b.mean:+.2f} ± {2 * noise.diff_se(a, b):.2f} (2 SE; {cond}: {word})"
