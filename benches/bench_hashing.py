"""Hashing benchmark: covet (native and fallback) against the blake3 package, hashlib and
xxhash, interleaved in one process. Run from a release build:

    pip install ".[bench]" && python benches/bench_hashing.py [--quick] [--json FILE]

Prints markdown tables: per payload size the median time per call, throughput and the
ratio against each peer (median of per-round ratios, [interquartile range]); then thread
scaling (N threads each hashing its own 64 MiB buffer, N = cores) and the cost of
releasing the GIL.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable

import blake3 as blake3_package
import xxhash
from covet_rust_core import _native
from covet_rust_core.bench.hashing_workloads import (
    BLAKE2B,
    BLAKE3,
    BLAKE3_PACKAGE,
    FALLBACK_MAX,
    KIB,
    MD5,
    MIB,
    SHA256,
    TITLES,
    XXH3,
    XXHASH,
    contenders,
    payload,
    size_label,
)
from covet_rust_core.bench.hashing_workloads import SIZES as WORKLOAD_SIZES
from covet_rust_core.bench.interleave import (
    Contender,
    Result,
    dump_json,
    environment,
    format_ratio,
    format_time,
    paired_ratio,
    run,
)
from covet_rust_core.bench.model import FALLBACK

# The sizes of ``python -m covet_rust_core bench``, and 16 KiB: one more point between 4 KiB
# and 1 MiB (16 BLAKE3 chunks of 1 KiB: enough to fill the SIMD lanes, which 4 KiB is not).
SIZES = sorted([*WORKLOAD_SIZES.values(), 16 * KIB])
# The "vs" columns, per algorithm (those that ran at a size).
PEERS = {
    BLAKE3: [BLAKE3_PACKAGE, SHA256, BLAKE2B, FALLBACK],
    XXH3: [XXHASH, "xxhash xxh3_128_intdigest", MD5, FALLBACK],
}


def extra_contenders(algorithm: str, data: bytes) -> list[Contender]:
    """This script's contenders besides the shared ones: covet's hasher object, and XXH3-128.
    Each is checked against its peer's answer, like the shared ones."""
    pairs: list[tuple[str, Callable[[], object], object]]
    if algorithm == BLAKE3:
        digest = blake3_package.blake3(data).digest()
        pairs = [("covet blake3 object", lambda: _native.hashing.blake3(data).digest(), digest)]
    else:
        wide = xxhash.xxh3_128_intdigest(data)
        pairs = [
            ("covet xxh3_128", lambda: _native.hashing.xxh3_128(data), wide),
            ("xxhash xxh3_128_intdigest", lambda: xxhash.xxh3_128_intdigest(data), wide),
        ]
    out = []
    for name, call, expected in pairs:
        try:
            agrees = call() == expected
        except Exception as error:
            out.append(Contender(name, None, error=f"ERROR: {type(error).__name__}: {error}"))
            continue
        if agrees:
            out.append(Contender(name, call))
        else:
            package = BLAKE3_PACKAGE if algorithm == BLAKE3 else XXHASH
            mismatch = f"MISMATCH: differs from the {package} package's answer"
            out.append(Contender(name, None, error=mismatch))
    return out


def measure(
    algorithm: str, data: bytes, rounds: int, sample: float
) -> tuple[dict[str, Result], list[str]]:
    """Results (failed contenders as errors) and a note for each unavailable contender."""
    entrants = contenders(algorithm, data) + extra_contenders(algorithm, data)
    results = run(entrants, rounds=rounds, sample_seconds=sample)
    for contender in entrants:
        if contender.error is not None:
            results[contender.name] = Result(contender.name, error=contender.error)
    notes = [f"- {c.name}: {c.unavailable}" for c in entrants if c.unavailable]
    order = [c.name for c in entrants]
    return {name: results[name] for name in order if name in results}, notes


def table(title: str, size: int, results: dict[str, Result], peers: list[str]) -> list[str]:
    peers = [p for p in peers if p in results and results[p].error is None]
    lines = [f"### {title}, {size_label(size)}", ""]
    header = "| contender | median | GB/s | " + " | ".join(f"vs {p}" for p in peers) + " |"
    lines += [header, "|" + "---|" * (3 + len(peers))]
    for name, result in results.items():
        if result.error:
            lines.append(f"| {name} | {result.error} |")
            continue
        median = result.median
        ratios = [
            format_ratio(paired_ratio(results[p], result)) if p != name else "-" for p in peers
        ]
        lines.append(
            f"| {name} | {format_time(median)} | {size / median / 1e9:.2f} | "
            + " | ".join(ratios)
            + " |"
        )
    return [*lines, ""]


def thread_scaling(size: int, workers: int) -> list[str]:
    """N threads each hashing their own buffer: aggregate throughput vs one thread."""
    buffers = [os.urandom(size) for _ in range(workers)]

    def hash_all(fn: Callable[[bytes], object], count: int) -> float:
        threads = [threading.Thread(target=fn, args=(buffers[i],)) for i in range(count)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - start

    rows = ["### Thread scaling: each thread hashes its own 64 MiB buffer", ""]
    rows += ["| contender | 1 thread GB/s | N threads GB/s | scaling |", "|---|---|---|---|"]
    contenders: list[tuple[str, Callable[[bytes], object]]] = [
        ("covet blake3_digest", _native.hashing.blake3_digest),
        ("blake3 package", lambda b: blake3_package.blake3(b).digest()),
        ("covet xxh3_64", _native.hashing.xxh3_64),
        ("hashlib.sha256", lambda b: hashlib.sha256(b).digest()),
    ]
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in contenders}
    for round_index in range(5):  # interleaved rounds, in a rotating order
        shift = round_index % len(contenders)
        for name, fn in contenders[shift:] + contenders[:shift]:
            one = size / hash_all(fn, 1)
            many = workers * size / hash_all(fn, workers)
            samples[name].append((one, many))
    for name, pairs in samples.items():
        pairs.sort(key=lambda p: p[1] / p[0])
        one, many = pairs[len(pairs) // 2]
        rows.append(f"| {name} | {one / 1e9:.2f} | {many / 1e9:.2f} | {many / one:.2f}x |")
    rows.append(f"\nN = {workers} (os.cpu_count()); median of 5 rounds by scaling.\n")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no 64 MiB")
    parser.add_argument("--json", help="write raw per-round samples here")
    args = parser.parse_args()
    rounds = 5 if args.quick else 15
    sizes = [s for s in SIZES if not (args.quick and s > MIB)]
    env = environment()
    out = [
        "## Hashing benchmark",
        "",
        "Environment: " + ", ".join(f"{k}={v}" for k, v in env.items()),
        "",
        f"The pure-Python twin is timed up to {size_label(FALLBACK_MAX[BLAKE3])} (BLAKE3) and "
        f"{size_label(FALLBACK_MAX[XXH3])} (XXH3): above, one call would take about half a "
        "second or more.",
        "",
    ]
    workloads: dict[str, dict[str, list[float]]] = {}
    errors: list[str] = []
    for size in sizes:
        data = payload(size)
        sample = 0.05 if size >= MIB else 0.02
        for algorithm in (BLAKE3, XXH3):
            results, notes = measure(algorithm, data, rounds, sample)
            out += table(TITLES[algorithm], size, results, PEERS[algorithm])
            out += [*notes, ""] if notes else []
            key = f"{algorithm}-{size}"
            workloads[key] = {n: r.per_call for n, r in results.items()}
            errors += [f"- {key}, {r.name}: {r.error}" for r in results.values() if r.error]
        print("\n".join(out), flush=True)
        out = []
        del data
    # xxh3 releases the GIL from 64 KiB: one byte less keeps it, so the step between the
    # two (XXH3 has no block boundary there) is what releasing and re-taking it costs.
    below, at = os.urandom(64 * KIB - 1), os.urandom(64 * KIB)
    results = run(
        [
            Contender("xxh3_64 64 KiB - 1 (GIL held)", lambda: _native.hashing.xxh3_64(below)),
            Contender("xxh3_64 64 KiB (GIL released)", lambda: _native.hashing.xxh3_64(at)),
        ],
        rounds=rounds,
    )
    held, released = results.values()
    out += [
        "### Cost of releasing the GIL",
        "",
        f"xxh3_64 of 64 KiB - 1 byte (GIL held): {format_time(held.median)}; of 64 KiB (GIL "
        f"released): {format_time(released.median)}; difference "
        f"{format_time(released.median - held.median)} per call.",
        "",
    ]
    if not args.quick:
        out += thread_scaling(64 * MIB, os.cpu_count() or 1)
    out += [f"### Errors: {len(errors)}", "", *errors, ""] if errors else ["Errors: 0", ""]
    print("\n".join(out))
    if args.json:
        dump_json(args.json, {"environment": env, "workloads": workloads})
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
