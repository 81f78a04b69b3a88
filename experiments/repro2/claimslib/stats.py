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
