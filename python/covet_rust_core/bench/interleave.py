"""A small interleaved benchmark runner: every contender of a workload is timed in each
round, in a rotating order, inside one process, so drifts in machine load hit all of them
alike. Reports per-call medians with their interquartile range, and each ratio as the
median of per-round ratios (paired rounds) with its interquartile range.

Errors are not swallowed: a contender that raises is reported with its error and excluded
from the ratios, never silently timed as fast. The garbage collector stays enabled (as in
a web server); every contender runs a warm-up batch before the first round.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any


@dataclass
class Contender:
    """One way of doing a workload's job. ``call`` is None when the contender cannot run:
    then ``unavailable`` (not installed, too slow to time: disclosed, not an error) or
    ``error`` (it raised or gave a wrong answer in the check: counted and reported) says why.
    ``kind`` is ``native``, ``fallback`` (covet's pure-Python twin) or ``peer``.

    A *cold* contender is given a fresh argument on every call, as a web handler is (a
    ``dumps`` of objects just built, whose strings carry no cached UTF-8 copy): ``fresh``
    makes one, untimed, before each batch, and ``call_with(argument)`` is what is timed.
    ``call`` then makes one fresh call (the check, the warm-up)."""

    name: str
    call: Callable[[], object] | None
    kind: str = "peer"
    unavailable: str | None = None
    error: str | None = None
    fresh: Callable[[], object] | None = None
    call_with: Callable[[object], object] | None = None


# A cold contender's batch holds its fresh arguments alive at once: at most this many, so
# that a batch of large documents stays small (and one sample is then shorter).
COLD_MAX_BATCH = 16


def _collections() -> int:
    """Collections the cyclic collector has run so far, all generations together (automatic
    ones, and any a contender runs itself, as covet's ``loads`` does for the one its
    collector pause deferred)."""
    return sum(generation["collections"] for generation in gc.get_stats())


def _time_batch(contender: Contender, calls: int) -> tuple[float, int]:
    """Seconds for ``calls`` calls of ``contender``, and the collector's runs meanwhile
    (cold: the fresh arguments are made before the clock starts and the count begins, and
    dropped after both stop)."""
    if contender.fresh is not None and contender.call_with is not None:
        call_with = contender.call_with
        arguments = [contender.fresh() for _ in range(calls)]
        before = _collections()
        start = time.perf_counter()
        for argument in arguments:
            call_with(argument)
        elapsed = time.perf_counter() - start
        collections = _collections() - before
        del arguments
        return elapsed, collections
    call = contender.call
    assert call is not None
    before = _collections()
    start = time.perf_counter()
    for _ in range(calls):
        call()
    elapsed = time.perf_counter() - start
    return elapsed, _collections() - before


@dataclass
class Result:
    name: str
    per_call: list[float] = field(default_factory=list)  # seconds per call, one per round
    error: str | None = None
    calls_per_sample: int = 0  # calls timed together in each round
    warmup_calls: int = 0  # untimed calls before the first round (first call, calibration)
    # Cyclic-collector collections (any generation) during each round's sample: the
    # contenders of a workload share one collector, and one's allocations can trigger a
    # collection that another's sample pays for.
    collections: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.per_call)

    def quartiles(self) -> tuple[float, float]:
        q1, _, q3 = statistics.quantiles(self.per_call, n=4, method="inclusive")
        return q1, q3


@dataclass(frozen=True)
class Calibration:
    calls: int  # calls per sample
    per_call: float  # the last calibration batch's seconds per call
    warmup_calls: int  # calls made while calibrating


def _calibrate(contender: Contender, sample_seconds: float) -> Calibration:
    """Calls per sample so that one sample lasts about ``sample_seconds`` (a cold
    contender: at most COLD_MAX_BATCH)."""
    cold = contender.fresh is not None
    most = COLD_MAX_BATCH if cold else 1 << 24
    calls, made = 1, 0
    while True:
        elapsed, _ = _time_batch(contender, calls)
        made += calls
        if elapsed >= sample_seconds / 4 or calls >= most:
            per_call = max(elapsed, 1e-9) / calls
            wanted = max(1, round(sample_seconds / per_call))
            return Calibration(min(wanted, most), per_call, made)
        calls = min(calls * 4, most)


Progress = Callable[[int, int], None]  # (rounds done, rounds planned)


def run(
    contenders: Iterable[Contender],
    rounds: int = 15,
    sample_seconds: float = 0.02,
    *,
    seconds: float | None = None,
    max_rounds: int | None = None,
    progress: Progress | None = None,
    collect: bool = False,
) -> dict[str, Result]:
    """Times the contenders that can run (``call`` set, no ``error``, not ``unavailable``).

    Each contender is warmed up (one call, then the calibration batches, untimed) and given
    a batch size that makes one sample last about ``sample_seconds`` (at least one call).
    Then every round times one batch of each, in an order rotated by one each round.

    ``rounds`` is the number of rounds; with ``seconds`` it is the minimum, and the rounds
    are as many as fit in ``seconds`` (at the calibrated cost of one round) up to
    ``max_rounds``.

    ``collect``: a full garbage collection (untimed) before every sample, so that each
    sample starts from the same collector state. Without it, a workload that builds many
    containers per call (``loads`` of a large document) pays a full collection in whichever
    sample happens to cross the collector's threshold: medians then jump between two levels
    by the cost of that collection. The collector stays enabled during the sample, so the
    collections a contender's own allocations cause are still counted.
    """
    items = [c for c in contenders if c.call is not None and c.error is None and not c.unavailable]
    results = {c.name: Result(c.name) for c in items}
    round_cost = 0.0
    for contender in items:
        result = results[contender.name]
        assert contender.call is not None
        try:
            contender.call()  # warm-up, and a first check that it works at all
            calibration = _calibrate(contender, sample_seconds)
        except Exception as error:
            result.error = f"{type(error).__name__}: {error}"
            continue
        result.calls_per_sample = calibration.calls
        result.warmup_calls = 1 + calibration.warmup_calls
        round_cost += calibration.calls * calibration.per_call
    if collect:
        start = time.perf_counter()
        gc.collect()
        round_cost += len(items) * (time.perf_counter() - start)
    if seconds is not None:
        fit = int(seconds / max(round_cost, 1e-9))
        rounds = max(rounds, min(fit, max_rounds if max_rounds is not None else fit))
    live = [c for c in items if results[c.name].error is None]
    for round_index in range(rounds):
        shift = round_index % max(1, len(live))
        for contender in live[shift:] + live[:shift]:
            result = results[contender.name]
            if result.error is not None:
                continue
            calls = result.calls_per_sample
            if collect:
                gc.collect()
            try:
                elapsed, collections = _time_batch(contender, calls)
            except Exception as error:
                result.error = f"{type(error).__name__}: {error}"
                continue
            result.per_call.append(elapsed / calls)
            result.collections.append(collections)
        if progress is not None:
            progress(round_index + 1, rounds)
    return results


def paired_ratio(slow: Result, fast: Result) -> tuple[float, float, float] | None:
    """Median and IQR of per-round ``slow / fast`` (how many times faster ``fast`` is)."""
    if slow.error or fast.error or not slow.per_call or not fast.per_call:
        return None
    ratios = [s / f for s, f in zip(slow.per_call, fast.per_call, strict=False)]
    if len(ratios) < 2:
        return ratios[0], ratios[0], ratios[0]
    q1, median, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
    return median, q1, q3


def format_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_ratio(ratio: tuple[float, float, float] | None) -> str:
    if ratio is None:
        return "n/a"
    median, q1, q3 = ratio
    return f"{median:.2f}x [{q1:.2f}-{q3:.2f}]"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:  # noqa: PTH123 - Linux only, optional
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment() -> dict[str, Any]:
    import covet_rust_core  # noqa: PLC0415 - the bench reports whatever backend is active

    info = covet_rust_core.native_info()
    versions = {}
    for package in ("covet_rust_core", "blake3", "xxhash", "orjson", "PyJWT"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "cpu_features": info.get("cpu_features"),
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "backend": info["backend"],
        "build_profile": info.get("profile"),
        "gc_enabled": gc.isenabled(),
        "versions": versions,
    }


def dump_json(path: str, payload: dict[str, Any]) -> None:
    with open(path, "w") as out:  # noqa: PTH123
        json.dump(payload, out, indent=2)


# The contender every target judges: the same name in every bench's workloads.
NATIVE = "covet native"


@dataclass(frozen=True)
class Target:
    """covet native (the contender named ``NATIVE``) on ``workload`` against ``peer``.

    Speed-up targets (``max_time_ratio`` False): peer time / native time >= ``goal``, with
    an optional ``floor`` below which the miss is a hard one. Per-call targets
    (``max_time_ratio`` True): native time / peer time <= ``goal``.
    """

    workload: str
    peer: str
    goal: float
    floor: float | None = None
    max_time_ratio: bool = False

    def describe(self) -> str:
        if self.max_time_ratio:
            return f"time <= {self.goal:g}x {self.peer}'s"
        floor = f" (floor {self.floor:g}x)" if self.floor is not None else ""
        return f">= {self.goal:g}x {self.peer}{floor}"


def unmeasured(target: Target, results: dict[str, dict[str, Result]]) -> str | None:
    """Why ``target`` cannot be judged, or None."""
    by_name = results.get(target.workload)
    if by_name is None:
        return "not measured: workload not run"
    for name in (NATIVE, target.peer):
        result = by_name.get(name)
        if result is None or result.error is not None:
            return f"not measured: {name} {'unavailable' if result is None else 'failed'}"
    return None


def verdict(target: Target, results: dict[str, dict[str, Result]]) -> tuple[str, str]:
    """The measured ratio (formatted) and the verdict of one target."""
    reason = unmeasured(target, results)
    if reason is not None:
        return "n/a", reason
    native, peer = results[target.workload][NATIVE], results[target.workload][target.peer]
    if target.max_time_ratio:
        ratio = paired_ratio(native, peer)
        assert ratio is not None
        outcome = "met" if ratio[0] <= target.goal else "missed"
        return format_ratio(ratio) + " of the time", outcome
    ratio = paired_ratio(peer, native)
    assert ratio is not None
    if ratio[0] >= target.goal:
        outcome = "met"
    elif target.floor is None:
        outcome = "missed"
    else:
        side = "above" if ratio[0] >= target.floor else "below"
        outcome = f"missed ({side} the {target.floor:g}x floor)"
    return format_ratio(ratio), outcome


def summary(
    targets: list[Target], results: dict[str, dict[str, Result]]
) -> tuple[list[str], list[dict[str, str]]]:
    """The targets table (markdown lines) and its rows for a JSON report."""
    lines = ["### Targets: covet native", ""]
    lines += ["| workload | target | measured | verdict |", "|---|---|---|---|"]
    rows = []
    for target in targets:
        measured, outcome = verdict(target, results)
        lines.append(f"| {target.workload} | {target.describe()} | {measured} | {outcome} |")
        rows.append(
            {
                "workload": target.workload,
                "target": target.describe(),
                "measured": measured,
                "verdict": outcome,
            }
        )
    met = sum(row["verdict"] == "met" for row in rows)
    lines += ["", f"{met} of {len(rows)} targets met.", ""]
    return lines, rows
