"""Soak: a million calls over every public function, a tenth of them with failing inputs,
while the resident set size, reference counts and tracemalloc are watched. Not part of the
test run (tests/contract/test_soak.py is its short form).

    python benches/soak.py [--calls 1000000] [--backend native|fallback] [--json FILE]

The mix (tests/support/soak.py): JSON, JWT (HMAC, RSA, EC, Ed25519; PEM strings, parsed keys,
key sets), hashing (one-shot, files, hasher objects) and every string helper with
``Replacer``; every tenth call is one of 20 failing inputs, each of which must raise the
exception the contract promises. The twin is about 20x slower per call than the extension
(measured: 20 us against 440 us on average), so ``--backend fallback`` defaults to 20,000
calls.

The calls run in three parts. The warm-up (``--warmup``, 10% of the calls by default). The
measured window: the RSS every 1% of the calls, the reference counts of every argument and
of the singletons and interned strings results are made of (None, True, False, small ints,
"", "sub", "HS256", ...) at its start, middle and end. The traced tail (``--traced``, the
last 100,000 calls; on the twin 400, each call of the mix about 5 times; 0 for none):
tracemalloc's growth, peak and the source lines whose live allocations grew most. tracemalloc
runs apart because its own tables grow the RSS, and because it makes the twin's every call
~100x slower.

Prints the RSS curve (calls -> RSS), the growth over the measured window, the reference
counts that changed and the tracemalloc figures. Exit status 1 when the RSS grew more than
``--max-growth-mb`` (2) over the measured window, a reference count moved beyond its bound
(a call's own argument: any change; a shared object such as None or a small int, whose count
drifts while the interpreter warms up: half the number of times the least frequent call ran
in the window's second half), or a call did not keep its promise.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.soak import FAILING_SHARE, Sample, SoakResult, load_module, soak  # noqa: E402

MB = 1 << 20
DEFAULT_CALLS = {"native": 1_000_000, "fallback": 20_000}
DEFAULT_TRACED = {"native": 100_000, "fallback": 400}
ROWS = 20  # rows of the RSS curve


def print_curve(result: SoakResult) -> None:
    base = result.rss_after_warmup
    print("\n| calls | RSS (MB) | since warm-up (MB) |\n|---:|---:|---:|")
    step = max(1, len(result.samples) // ROWS)
    # Every step-th sample, the end of the warm-up and the last one.
    shown = [
        sample
        for index, sample in enumerate(result.samples)
        if index % step == 0 or sample.calls == result.warmup or sample is result.samples[-1]
    ]
    for sample in shown:
        mark = " (warm-up end)" if sample.calls == result.warmup else ""
        rss, since = sample.rss / MB, (sample.rss - base) / MB
        print(f"| {sample.calls:,}{mark} | {rss:.2f} | {since:+.2f} |")


def print_refcounts(result: SoakResult) -> None:
    problems = result.refcount_problems
    print(
        f"reference counts: {result.refcounts_checked} objects watched (every argument of "
        f"the mix, singletons, small ints, interned strs), {len(result.refcount_changes)} "
        f"changed over the window, {len(problems)} beyond the bound (an argument: any change; "
        f"a shared object: a change of {result.shared_tolerance} or more in the second half)"
    )
    for label, (before, after) in result.refcount_changes.items():
        mark = "  <- beyond the bound" if label in problems else ""
        print(f"  {label}: {before} -> {after} ({after - before:+d}){mark}")
    for label, (middle, end) in result.second_half_changes.items():
        mark = "  <- beyond the bound" if label in problems else ""
        print(f"  second half, {label}: {middle} -> {end} ({end - middle:+d}){mark}")


def print_tracemalloc(result: SoakResult) -> None:
    growth = (result.traced_end - result.traced_start) / 1024
    print(
        f"tracemalloc over the last {result.traced:,} calls: "
        f"{result.traced_start / 1024:.1f} KiB traced at the start, "
        f"{result.traced_end / 1024:.1f} KiB at the end after a collection ({growth:+.1f} KiB), "
        f"peak {result.traced_peak / 1024:.1f} KiB; the lines that grew most:"
    )
    for line in result.traced_top:
        print(f"  {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["native", "fallback"], default="native")
    parser.add_argument("--calls", type=int, help="default: 1,000,000 native, 20,000 fallback")
    parser.add_argument("--warmup", type=int, help="calls before the window (default 10%%)")
    parser.add_argument("--traced", type=int, help="calls under tracemalloc, at the end")
    parser.add_argument("--max-growth-mb", type=float, default=2.0)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()

    calls = args.calls or DEFAULT_CALLS[args.backend]
    warmup = args.warmup if args.warmup is not None else calls // 10
    traced = args.traced if args.traced is not None else DEFAULT_TRACED[args.backend]
    traced = min(traced, (calls - warmup) // 2)
    every = max(1, calls // 100)
    module = load_module(args.backend)
    print(
        f"soak: {calls:,} calls on {module.__name__} (every {FAILING_SHARE}th a failing "
        f"input): warm-up {warmup:,}, measured window {calls - traced - warmup:,} (RSS every "
        f"{every:,}), traced tail {traced:,}; Python {platform.python_version()}, "
        f"{platform.machine()}",
        flush=True,
    )

    def progress(sample: Sample) -> None:
        if sample.calls % (every * 10) == 0:
            print(f"  {sample.calls:>10,} calls  {sample.rss / MB:8.2f} MB", flush=True)

    with tempfile.TemporaryDirectory() as workdir:
        result = soak(
            module,
            args.backend,
            Path(workdir),
            calls=calls,
            warmup=warmup,
            every=every,
            traced=traced,
            on_sample=progress,
        )

    print(
        f"\n{result.calls:,} calls in {result.seconds:.1f} s "
        f"({result.seconds / result.calls * 1e6:.1f} us per call on average, the traced tail "
        f"included; {result.failing_calls:,} failing)"
    )
    print_curve(result)
    print(
        f"\nRSS after warm-up {result.rss_after_warmup / MB:.2f} MB, at the end of the window "
        f"{result.rss_end / MB:.2f} MB: growth {result.rss_growth / MB:+.3f} MB (largest "
        f"{result.rss_max_growth / MB:+.3f} MB), bound {args.max_growth_mb} MB"
    )
    print_refcounts(result)
    if traced:
        print_tracemalloc(result)
    print(f"calls that broke their promise: {result.error_count}")
    for error in result.errors:
        print(f"  {error}")

    if args.json:
        figures = asdict(result)
        figures["rss_after_warmup"] = result.rss_after_warmup
        figures["rss_end"] = result.rss_end
        figures["rss_growth"] = result.rss_growth
        args.json.write_text(json.dumps(figures, indent=2))
    failed = (
        result.rss_growth > args.max_growth_mb * MB
        or result.refcount_problems
        or result.error_count
    )
    print("FAILED" if failed else "passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
