"""Statistics of accuracies over seeds: `Stat` (mean, sample sd, n) and `Noise` (the standard errors
from the seeds' spread and the binomial error of one accuracy on N test images)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


# Two-sided 95% quantiles of Student's t, t_0.975(df), at df = 1…30, 40, 60, 120.
T975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086,
    21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042,
    40: 2.021, 60: 2.000, 120: 1.980,
}


def t975(df: float) -> tuple[float, int]:
    """t_0.975 at the largest tabled degrees of freedom not above `df` (a band never narrower than
    the exact one), and those degrees of freedom."""
    k = max(d for d in T975 if d <= max(df, 1))
    return T975[k], k


@dataclass
class Stat:
    values: list[float]
    seeds: list[int | None] | None = None  # the seed of each value, where known

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.values)

    @property
    def sd(self) -> float | None:
        return statistics.stdev(self.values) if self.n >= 2 else None

    def by_seed(self) -> dict[int, float] | None:
        """The values keyed by seed, or None when a seed is unknown or repeated."""
        if self.seeds is None or len(self.seeds) != self.n or None in self.seeds or len(set(self.seeds)) != self.n:
            return None
        return dict(zip(self.seeds, self.values))

    def text(self, digits: int = 2, n: bool = True) -> str:
        s = f"{self.mean:.{digits}f}"
        if self.sd is not None:
            s += f" ± {self.sd:.{digits}f}"
        return s + (f" (n={self.n})" if n else "")


def stat(values, seeds=None) -> Stat | None:
    """The values that are not None (with their seeds, when `seeds` runs beside them), or None."""
    values = list(values)
    seeds = list(seeds) if seeds is not None else [None] * len(values)
    kept = [(v, s) for v, s in zip(values, seeds, strict=True) if v is not None]
    if not kept:
        return None
    return Stat([v for v, _ in kept], [s for _, s in kept])


@dataclass
class Difference:
    """`a − b` in points with the half-width of its 95% band, `q·SE`, and how it was formed."""

    d: float
    half: float
    how: str  # "paired n=3, t(2)·SE", "2 SE", …

    def verdict(self, threshold: float, below: bool = False) -> bool | None:
        """Whether d ≥ threshold beyond the band: True when d − half ≥ threshold, False when
        d + half < threshold, None (inside the noise) in between; with `below`, whether
        d < threshold (the negation, None staying None)."""
        if self.d - self.half >= threshold:
            return not below
        if self.d + self.half < threshold:
            return below
        return None


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

    def difference(self, a: Stat, b: Stat) -> Difference:
        """`a − b` and its 95% band. Paired when both have the same n ≥ 2 seeds (a seed starts every
        method from the same initialisation on the same data): the mean of the per-seed differences,
        SE = max(sd of the differences, sqrt(se_a² + se_b²)) / sqrt(n), q = t_0.975(n − 1).
        Otherwise SE = sqrt(SE_a² + SE_b²) (`mean_se`) and q = t_0.975 at the Welch–Satterthwaite
        degrees of freedom, (SE_a² + SE_b²)² / Σ SE_i⁴/(n_i − 1), where a single run's SE (the
        binomial error alone, known) adds no term; q = 2 when both are single runs."""
        pa, pb = a.by_seed(), b.by_seed()
        if pa is not None and pb is not None and pa.keys() == pb.keys() and len(pa) >= 2:
            diffs = [pa[s] - pb[s] for s in sorted(pa)]
            n = len(diffs)
            floor = math.hypot(self.test_se(a.mean), self.test_se(b.mean))
            se = max(statistics.stdev(diffs), floor) / math.sqrt(n)
            return Difference(statistics.fmean(diffs), t975(n - 1)[0] * se, f"paired n={n}, t({n - 1})·SE")
        va, vb = self.mean_se(a) ** 2, self.mean_se(b) ** 2
        se = math.sqrt(va + vb)
        terms = [v * v / (s.n - 1) for v, s in ((va, a), (vb, b)) if s.n >= 2]
        if not terms:
            return Difference(a.mean - b.mean, 2 * se, "2 SE")
        q, k = t975((va + vb) ** 2 / sum(terms))
        return Difference(a.mean - b.mean, q * se, f"Welch t({k})·SE")

    def diff_text(self, a: Stat, b: Stat) -> str:
        """`a − b` in points, with its 95% band and whether 0 lies outside it ("differs from 0") or
        inside it ("consistent with 0"): words of their own, because a claim rule tests its own
        threshold θ and says "holds", "fails" or "inside the noise" (`condition_text`)."""
        x = self.difference(a, b)
        tag = "consistent with 0" if abs(x.d) < x.half else "differs from 0"
        return f"{x.d:+.2f} (± {x.half:.2f}, {x.how}, {tag})"

    def at_least(self, a: Stat, b: Stat, threshold: float) -> bool | None:
        """Whether mean(a) − mean(b) ≥ threshold beyond the noise (`Difference.verdict`)."""
        return self.difference(a, b).verdict(threshold)

    def below(self, a: Stat, b: Stat, threshold: float = 0.0) -> bool | None:
        """Whether mean(a) − mean(b) < threshold beyond the noise (the negation of `at_least`)."""
        return self.difference(a, b).verdict(threshold, below=True)


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
    `-1.10 ± 1.22 (paired n=3, t(2)·SE; ≥ -1: inside the noise)`."""
    x = noise.difference(a, b)
    v = x.verdict(threshold, below)
    word = {True: "holds", False: "fails", None: "inside the noise"}[v]
    cond = f"{'<' if below else '≥'} {threshold:g}"
    return v, f"{x.d:+.2f} ± {x.half:.2f} ({x.how}; {cond}: {word})"
