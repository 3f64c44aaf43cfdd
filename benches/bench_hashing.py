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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import blake3 as blake3_package
import xxhash
from covet_rust_core import _native, fallback
from interleave import (
    Contender,
    Result,
    dump_json,
    environment,
    format_ratio,
    format_time,
    paired_ratio,
    run,
)

KIB = 1 << 10
MIB = 1 << 20
SIZES = [64, 4 * KIB, 16 * KIB, MIB, 64 * MIB]
FALLBACK_MAX = 4 * KIB  # the pure-Python twin is too slow to time above this


def blake3_contenders(data: bytes) -> list[Contender]:
    contenders = [
        Contender("covet blake3_digest", lambda: _native.blake3_digest(data)),
        Contender("covet blake3 object", lambda: _native.blake3(data).digest()),
        Contender("blake3 package", lambda: blake3_package.blake3(data).digest()),
        Contender("hashlib.sha256", lambda: hashlib.sha256(data).digest()),
        Contender("hashlib.blake2b", lambda: hashlib.blake2b(data).digest()),
    ]
    if len(data) <= FALLBACK_MAX:
        contenders.append(Contender("covet fallback blake3", lambda: fallback.blake3_digest(data)))
    return contenders


def xxh3_contenders(data: bytes) -> list[Contender]:
    contenders = [
        Contender("covet xxh3_64", lambda: _native.xxh3_64(data)),
        Contender("xxhash xxh3_64_intdigest", lambda: xxhash.xxh3_64_intdigest(data)),
        Contender("covet xxh3_128", lambda: _native.xxh3_128(data)),
        Contender("xxhash xxh3_128_intdigest", lambda: xxhash.xxh3_128_intdigest(data)),
    ]
    if len(data) <= FALLBACK_MAX:
        contenders.append(Contender("covet fallback xxh3_64", lambda: fallback.xxh3_64(data)))
    return contenders


def size_label(size: int) -> str:
    if size >= MIB:
        return f"{size // MIB} MiB"
    if size >= KIB:
        return f"{size // KIB} KiB"
    return f"{size} B"


def table(title: str, size: int, results: dict[str, Result], peers: list[str]) -> list[str]:
    lines = [f"### {title}, {size_label(size)}", ""]
    header = "| contender | median | GB/s | " + " | ".join(f"vs {p}" for p in peers) + " |"
    lines += [header, "|" + "---|" * (3 + len(peers))]
    for name, result in results.items():
        if result.error:
            lines.append(f"| {name} | ERROR: {result.error} |")
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
        ("covet blake3_digest", _native.blake3_digest),
        ("blake3 package", lambda b: blake3_package.blake3(b).digest()),
        ("covet xxh3_64", _native.xxh3_64),
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


def main() -> None:
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
    ]
    workloads: dict[str, dict[str, list[float]]] = {}
    for size in sizes:
        data = os.urandom(size)
        sample = 0.05 if size >= MIB else 0.02
        results = run(blake3_contenders(data), rounds=rounds, sample_seconds=sample)
        out += table(
            "BLAKE3",
            size,
            results,
            ["blake3 package", "hashlib.sha256", "hashlib.blake2b"]
            + (["covet fallback blake3"] if size <= FALLBACK_MAX else []),
        )
        workloads[f"blake3-{size}"] = {n: r.per_call for n, r in results.items()}
        results = run(xxh3_contenders(data), rounds=rounds, sample_seconds=sample)
        out += table(
            "XXH3",
            size,
            results,
            ["xxhash xxh3_64_intdigest", "xxhash xxh3_128_intdigest"]
            + (["covet fallback xxh3_64"] if size <= FALLBACK_MAX else []),
        )
        workloads[f"xxh3-{size}"] = {n: r.per_call for n, r in results.items()}
        print("\n".join(out), flush=True)
        out = []
    # xxh3 releases the GIL from 64 KiB: one byte less keeps it, so the step between the
    # two (XXH3 has no block boundary there) is what releasing and re-taking it costs.
    below, at = os.urandom(64 * KIB - 1), os.urandom(64 * KIB)
    results = run(
        [
            Contender("xxh3_64 64 KiB - 1 (GIL held)", lambda: _native.xxh3_64(below)),
            Contender("xxh3_64 64 KiB (GIL released)", lambda: _native.xxh3_64(at)),
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
    print("\n".join(out))
    if args.json:
        dump_json(args.json, {"environment": env, "workloads": workloads})


if __name__ == "__main__":
    main()
