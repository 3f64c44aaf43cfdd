"""Statistics of the bench report: medians, quartiles, and percentile-bootstrap confidence
intervals of ratios from paired rounds.

Why paired: each round times every contender of a workload back to back, so a burst of load
on the machine slows all of them in that round. The ratio of two contenders within a round
cancels most of it; the ratio of two medians taken over different moments would not.

Why the bootstrap: per-round ratios are skewed and few (5 to 40 rounds), so no normal
approximation; resampling the rounds with replacement and taking the median each time gives
an interval for the median ratio without assuming a distribution. The resampling is seeded
from the workload's name, so a report recomputed from its own raw samples gives the same
intervals.
"""

from __future__ import annotations

import math
import random
import statistics
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

CONFIDENCE = 0.95
RESAMPLES = 2000


@dataclass(frozen=True)
class Estimate:
    """A median and its confidence interval (``lo``, ``hi``), from ``n`` samples."""

    median: float
    lo: float
    hi: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        return {"median": self.median, "lo": self.lo, "hi": self.hi, "n": self.n}

    @classmethod
    def from_dict(cls, data: dict[str, float | int]) -> Estimate:
        return cls(float(data["median"]), float(data["lo"]), float(data["hi"]), int(data["n"]))


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """First quartile, median and third quartile (one value: that value three times)."""
    if not values:
        raise ValueError("quartiles of no values")
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, median, q3


def _rng(label: str) -> random.Random:
    return random.Random(zlib.crc32(label.encode()))


def _percentiles(sorted_values: list[float], level: float) -> tuple[float, float]:
    tail = (1 - level) / 2
    last = len(sorted_values) - 1
    return sorted_values[round(tail * last)], sorted_values[round((1 - tail) * last)]


def median_interval(values: Sequence[float], label: str) -> Estimate:
    """The median of ``values`` with its bootstrap confidence interval."""
    if not values:
        raise ValueError("median of no values")
    rng, n = _rng(label), len(values)
    medians = sorted(statistics.median(rng.choices(values, k=n)) for _ in range(RESAMPLES))
    lo, hi = _percentiles(medians, CONFIDENCE)
    return Estimate(statistics.median(values), lo, hi, n)


def paired_ratios(slow: Sequence[float], fast: Sequence[float]) -> list[float]:
    """Per-round ``slow / fast``: how many times faster ``fast`` was in each round."""
    return [s / f for s, f in zip(slow, fast, strict=False) if f > 0]


def ratio_interval(slow: Sequence[float], fast: Sequence[float], label: str) -> Estimate | None:
    """Median per-round ratio ``slow / fast`` with its bootstrap interval (None: no rounds)."""
    ratios = paired_ratios(slow, fast)
    return median_interval(ratios, label) if ratios else None


def geomean_interval(ratio_sets: Sequence[Sequence[float]], label: str) -> Estimate | None:
    """The geometric mean over workloads of each workload's median per-round ratio, with a
    bootstrap interval that resamples every workload's rounds independently (workloads are
    not paired with each other: they ran at different times). ``n`` is the workload count.
    """
    sets = [list(s) for s in ratio_sets if s]
    if not sets:
        return None

    def geomean(medians: list[float]) -> float:
        return math.exp(sum(math.log(m) for m in medians) / len(medians))

    rng = _rng(label)
    draws = sorted(
        geomean([statistics.median(rng.choices(s, k=len(s))) for s in sets])
        for _ in range(RESAMPLES)
    )
    lo, hi = _percentiles(draws, CONFIDENCE)
    return Estimate(geomean([statistics.median(s) for s in sets]), lo, hi, len(sets))


def versus(estimate: Estimate, bound: float) -> str:
    """Where an interval lies against ``bound``: ``above``, ``below`` or ``overlaps``."""
    if estimate.lo >= bound:
        return "above"
    if estimate.hi < bound:
        return "below"
    return "overlaps"
