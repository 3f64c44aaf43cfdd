"""Hashing workloads: BLAKE3 and XXH3-64 of random bytes at 64 B, 4 KiB, 1 MiB and 64 MiB.
``workloads(options)`` gives them to ``python -m covet_rust_core bench``; benches/
bench_hashing.py uses the same sizes, payloads and contenders.

Contenders, per algorithm:

* ``blake3-<size>``: covet native (``_native.hashing.blake3_digest``), covet fallback (the
  pure-Python BLAKE3), the blake3 package, and ``hashlib.sha256`` (the baseline: what an
  application hashes content with without covet) and ``hashlib.blake2b``.
* ``xxh3-<size>``: covet native (``_native.hashing.xxh3_64``), covet fallback, the xxhash
  package's ``xxh3_64_intdigest``, and ``hashlib.md5`` (the baseline: the usual non-cryptographic
  path without covet, Django's ETag hash).

The pure-Python twin is timed only up to the sizes where one call stays well under half a
second (``FALLBACK_MAX``: BLAKE3 at 64 B and 4 KiB, XXH3-64 up to 1 MiB); above them it is
disclosed as too slow, with its per-call time extrapolated from one 64 KiB call on this
machine.

Checks, run once before timing: covet native, the twin and the blake3 (or xxhash) package
give the same answer (the package's is the reference, else native's); the hashlib
contenders are their own reference, so only the type and length of their digest are checked.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import random
import time
from collections.abc import Callable
from types import ModuleType

from .interleave import Contender
from .model import (
    FALLBACK,
    FALLBACK_KIND,
    NATIVE,
    NATIVE_KIND,
    PEER_KIND,
    Options,
    Workload,
    native_module,
)

KIB = 1 << 10
MIB = 1 << 20
SIZES = {"64B": 64, "4KiB": 4 * KIB, "1MiB": MIB, "64MiB": 64 * MIB}
QUICK_MAX = MIB  # --quick drops the 64 MiB workloads
PAYLOAD_SEED = 20240601

BLAKE3, XXH3 = "blake3", "xxh3"
BLAKE3_PACKAGE, XXHASH = "blake3", "xxhash"
SHA256, BLAKE2B, MD5 = "hashlib.sha256", "hashlib.blake2b", "hashlib.md5"
BASELINES = {BLAKE3: SHA256, XXH3: MD5}
TITLES = {BLAKE3: "BLAKE3", XXH3: "XXH3-64"}
OUTPUTS = {BLAKE3: "a 32-byte digest", XXH3: "a 64-bit int"}

# The largest payload the pure-Python twin is timed on: about a quarter to half of what it
# hashes in half a second, measured on a 2020s x86-64 core (CPython 3.11). BLAKE3 takes about
# 0.87 ms per KiB (4 KiB: 3.4 ms, 1 MiB: 0.89 s), XXH3-64 about 37 us per KiB (1 MiB: 38 ms,
# 64 MiB: 2.5 s). Of the SIZES, the twin is timed up to 4 KiB for BLAKE3 and 1 MiB for
# XXH3-64: a workload times every contender in many rounds within a budget of seconds.
FALLBACK_MAX = {BLAKE3: 256 * KIB, XXH3: 8 * MIB}
PROBE_SIZE = 64 * KIB  # the twin's speed above FALLBACK_MAX is extrapolated from this

BLAKE3_MISSING = "the blake3 package is not installed; pip install 'covet_rust_core[bench]'"
XXHASH_MISSING = "the xxhash package is not installed; pip install 'covet_rust_core[bench]'"

Call = Callable[[], object]
Hasher = Callable[[bytes], object]


def payload(size: int) -> bytes:
    """``size`` random bytes, the same on every run."""
    return random.Random(PAYLOAD_SEED + size).randbytes(size)


def size_label(size: int) -> str:
    """``64 B``, ``4 KiB``, ``1 MiB``..."""
    for unit, scale in (("MiB", MIB), ("KiB", KIB)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} B"


def twin_module() -> ModuleType:
    """The pure-Python twin; it ships with the package, so failing to import it is loud."""
    return importlib.import_module("covet_rust_core.fallback")


def blake3_package_hasher() -> Hasher | str:
    """The blake3 package's one-shot digest, or why it is unavailable."""
    try:
        import blake3  # noqa: PLC0415 - optional peer
    except ImportError:
        return BLAKE3_MISSING
    return lambda data: blake3.blake3(data).digest()


def xxhash_hasher() -> Hasher | str:
    """The xxhash package's XXH3-64 as an int, or why it is unavailable."""
    try:
        import xxhash  # noqa: PLC0415 - optional peer
    except ImportError:
        return XXHASH_MISSING
    hasher: Hasher = xxhash.xxh3_64_intdigest
    return hasher


def hashers(algorithm: str) -> dict[str, Hasher | str]:
    """Every contender of ``algorithm`` in table order (covet native, covet fallback, the
    peers), as a one-argument function, or why it is unavailable."""
    native = native_module()
    twin = twin_module()
    if algorithm == BLAKE3:
        return {
            NATIVE: native if isinstance(native, str) else native.hashing.blake3_digest,
            FALLBACK: twin.hashing.blake3_digest,
            BLAKE3_PACKAGE: blake3_package_hasher(),
            SHA256: lambda data: hashlib.sha256(data).digest(),
            BLAKE2B: lambda data: hashlib.blake2b(data).digest(),
        }
    return {
        NATIVE: native if isinstance(native, str) else native.hashing.xxh3_64,
        FALLBACK: twin.hashing.xxh3_64,
        XXHASH: xxhash_hasher(),
        MD5: lambda data: hashlib.md5(data, usedforsecurity=False).digest(),
    }


# What each hashlib contender must return: bytes of this length (they are the reference).
DIGEST_SIZES = {SHA256: 32, BLAKE2B: 64, MD5: 16}
# The contenders that must agree, per algorithm: the first that ran of the first two (the
# package, else covet native) is the reference.
AGREEING = {BLAKE3: (BLAKE3_PACKAGE, NATIVE, FALLBACK), XXH3: (XXHASH, NATIVE, FALLBACK)}
KINDS = {NATIVE: NATIVE_KIND, FALLBACK: FALLBACK_KIND}


def twin_too_slow(algorithm: str, size: int, hasher: Hasher) -> str:
    """Why the twin is not timed at ``size``, with its extrapolated time per call."""
    probe = payload(PROBE_SIZE)
    start = time.perf_counter()
    hasher(probe)
    per_call = (time.perf_counter() - start) * size / PROBE_SIZE
    return (
        f"the pure-Python {TITLES[algorithm]} takes about {per_call:.2g} s per call at "
        f"{size_label(size)} here (extrapolated from {size_label(PROBE_SIZE)}): too slow to "
        f"time; it is timed up to {size_label(FALLBACK_MAX[algorithm])}"
    )


def _digest_problem(name: str, output: object) -> str | None:
    """What is wrong with a hashlib contender's digest, or None."""
    size = DIGEST_SIZES[name]
    if isinstance(output, bytes) and len(output) == size:
        return None
    return f"{name} returned {type(output).__name__} {output!r:.40}, not {size} bytes"


def contenders(algorithm: str, data: bytes) -> list[Contender]:
    """The contenders that hash ``data`` with ``algorithm``, in table order, each run once
    and checked."""
    size = len(data)
    out: dict[str, Contender] = {}
    outputs: dict[str, object] = {}
    for name, hasher in hashers(algorithm).items():
        kind = KINDS.get(name, PEER_KIND)
        if isinstance(hasher, str):
            out[name] = Contender(name, None, kind, unavailable=hasher)
            continue
        if name == FALLBACK and size > FALLBACK_MAX[algorithm]:
            out[name] = Contender(
                name, None, kind, unavailable=twin_too_slow(algorithm, size, hasher)
            )
            continue
        call: Call = functools.partial(hasher, data)
        try:
            outputs[name] = call()
        except Exception as error:
            out[name] = Contender(name, None, kind, error=f"ERROR: {type(error).__name__}: {error}")
            continue
        out[name] = Contender(name, call, kind)
    return [_checked(contender, outputs, AGREEING[algorithm]) for contender in out.values()]


def _checked(
    contender: Contender, outputs: dict[str, object], agreeing: tuple[str, ...]
) -> Contender:
    """``contender``, or a copy with ``error`` (wrong answer) or ``unavailable`` (nothing to
    check it against) set and no call."""
    name = contender.name
    if name not in outputs:
        return contender  # unavailable or failed already
    if name in DIGEST_SIZES:
        problem = _digest_problem(name, outputs[name])
    else:
        reference = next((other for other in agreeing[:2] if other in outputs), None)
        if reference is None:
            why = f"nothing to check it against: {' and '.join(agreeing[:2])} did not run"
            return Contender(name, None, contender.kind, unavailable=why)
        got, want = outputs[name], outputs[reference]
        problem = None if got == want else f"{got!r:.40} differs from {reference}'s {want!r:.40}"
    if problem is None:
        return contender
    return Contender(name, None, contender.kind, error=f"MISMATCH: {problem}")


def _prepare(algorithm: str, size: int) -> list[Contender]:
    return contenders(algorithm, payload(size))


def workloads(options: Options) -> list[Workload]:
    """``blake3-<size>`` and ``xxh3-<size>`` for each size (without 64 MiB when quick)."""
    sizes = {n: s for n, s in SIZES.items() if not (options.quick and s > QUICK_MAX)}
    return [
        Workload(
            domain="hashing",
            name=f"{algorithm}-{name}",
            description=f"{TITLES[algorithm]} of {size_label(size)} of random bytes to "
            f"{OUTPUTS[algorithm]}",
            nbytes=size,
            baseline=BASELINES[algorithm],
            prepare=functools.partial(_prepare, algorithm, size),
        )
        for algorithm in (BLAKE3, XXH3)
        for name, size in sizes.items()
    ]
