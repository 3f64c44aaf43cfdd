"""asyncio benchmark: how long CPU work stalls the event loop, three ways (the sync call made
on the loop, ``asyncio.to_thread`` and ``covet_rust_core.aio``), interleaved in one process.
Run from a release build:

    pip install ".[bench]" && python benches/bench_aio.py [--quick] [--json FILE] [--uvloop]

Event-loop lag (docs/AIO.md, the issue's target: aio p99 lag <= 5 ms while the sync call
stalls the loop for the whole operation): a ticker task does ``await asyncio.sleep(0.001)``
in a loop and records how late each wake-up is (elapsed - 1 ms, ``time.perf_counter``)
while the loop runs one operation:

* ``blake3_file`` of a 256 MiB file (deterministic pseudo-random bytes, written once to a
  temporary directory and hashed once before timing, so it is in the page cache);
* ``blake3_digest`` of the same 256 MiB held in memory as ``bytes``;
* 200 RS256 ``jwt.encode`` calls (2048-bit RSA, PEM text; sequential, and gathered);

each as the sync call inside the coroutine, ``await asyncio.to_thread(sync)`` and the
``aio`` awaitable, plus an idle row (``await asyncio.sleep``: the loop's own timer lag). Every
round runs every mode once, in a rotating order; lags are pooled over the rounds. Wake-ups
counted are those whose 1 ms sleep overlapped the operation. Also reported: the loop thread's
CPU time during the operation (``time.thread_time``), what the loop itself spent on it.

Throughput: two concurrent 64 MiB hashes (``asyncio.gather`` of two ``aio.blake3_digest``
on two different ``bytes``, ``max_threads=1``) against one: scaling = 2 * t1 / t2 per
round (target >= 1.7x on 2 cores), the same with ``asyncio.to_thread``, and with plain
threads and no loop: what the machine itself gives (on a shared machine, often less than 2x).

Inline threshold: ``aio.blake3_digest`` hashes inputs under 256 KiB inline; per-call time at
4 KiB ... 4 MiB of the aio awaitable, the sync call in a coroutine and ``to_thread`` (wall
and loop-thread CPU per call), and whether each size went inline (probed, not assumed).

Every result is checked against the sync call's (itself checked once against the blake3
package and PyJWT); a contender that raises or returns a wrong result is reported (and the
exit status is 1). Targets are judged and printed, never asserted. The fallback backend is
refused (exit status 2) unless ``--allow-fallback``: its aio holds the GIL. ``--quick``: a
64 MiB file, 50 signs, 3 rounds (under a minute). ``--uvloop``: the lag also on uvloop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

import covet_rust_core
from covet_rust_core import aio, hashing, jwt
from covet_rust_core.bench.interleave import (
    Result,
    dump_json,
    environment,
    format_ratio,
    format_time,
    paired_ratio,
)
from covet_rust_core.bench.jwt_workloads import key_material

T = TypeVar("T")
Op = Callable[[], Awaitable[object]]
Check = Callable[[object], str | None]

KIB = 1 << 10
MIB = 1 << 20
TICK = 0.001  # the ticker's sleep
WARMUP = 0.02  # the ticker runs this long before each operation starts
TAIL = 0.01  # and this long after it ends (so that a wake-up held back by it is seen)
IDLE = 0.1  # the idle row: the loop sleeps this long, with no work
LAG_TARGET = 5e-3  # aio p99 lag
STALL_SHARE = 0.9  # "stalls for the whole operation": the worst lag is >= 90% of the wall time
SCALING_TARGET = 1.7
THRESHOLD = 256 * KIB  # docs/AIO.md: aio hashes inputs under this inline
CLAIMS: dict[str, Any] = {
    "sub": "user-4821",
    "name": "Mira Okafor",
    "iat": 1_700_000_000,
    "exp": 1_700_000_900,
    "aud": "https://api.example.com",
    "iss": "https://auth.example.com",
    "roles": ["editor", "viewer", "billing"],
}
SYNC, THREAD, AIO, IDLE_MODE = "sync on the loop", "asyncio.to_thread", "covet aio", "idle"
PLAIN_THREADS = "threading.Thread, no loop (the machine's scaling)"


@dataclass(frozen=True)
class Settings:
    file_bytes: int
    signs: int
    rounds: int  # lag rounds, and throughput rounds
    pair_bytes: int  # each of the two concurrent hashes
    threshold_sizes: tuple[int, ...]
    threshold_rounds: int
    sample_seconds: float
    note: str


def settings(quick: bool, native: bool, rounds: int | None) -> Settings:
    sizes = (4 * KIB, 64 * KIB, THRESHOLD - 1, THRESHOLD, MIB, 4 * MIB)
    if not native:  # the twin hashes about 1 MB/s: everything shrinks, and says so
        return Settings(
            512 * KIB,
            20,
            rounds or 3,
            512 * KIB,
            sizes[:4],
            3,
            0.05,
            "FALLBACK BACKEND: sizes cut to 512 KiB, 20 signs (the twin hashes ~1 MB/s)",
        )
    if quick:
        return Settings(64 * MIB, 50, rounds or 3, 64 * MIB, sizes, 5, 0.01, "--quick")
    return Settings(256 * MIB, 200, rounds or 7, 64 * MIB, sizes, 9, 0.02, "full run")


# Helpers.


def size_label(size: int) -> str:
    for unit, scale in (("MiB", MIB), ("KiB", KIB)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    if size == THRESHOLD - 1:
        return f"{size_label(THRESHOLD)} - 1 B"
    return f"{size} B"


def deterministic_bytes(size: int, seed: str) -> bytes:
    rng = random.Random(f"covet-bench-aio/{seed}")
    chunk = MIB
    return b"".join(rng.randbytes(min(chunk, size - at)) for at in range(0, size, chunk))


def percentile(values: list[float], q: int) -> float:
    """The ``q``-th percentile (linear interpolation between closest ranks)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def iqr(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def ms(seconds: float) -> str:
    value = seconds * 1e3
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def describe_error(error: BaseException) -> str:
    return f"ERROR: {type(error).__name__}: {error}"


def equal_to(expected: object) -> Check:
    def check(result: object) -> str | None:
        if result == expected:
            return None
        shown = repr(result)
        return f"MISMATCH: got {shown[:80]}, the sync call gave {repr(expected)[:80]}"

    return check


def all_equal_to(expected: object, count: int) -> Check:
    def check(result: object) -> str | None:
        if not isinstance(result, list) or len(result) != count:
            return f"MISMATCH: expected a list of {count} results, got {type(result).__name__}"
        wrong = sum(item != expected for item in result)
        return None if wrong == 0 else f"MISMATCH: {wrong} of {count} differ from the sync call"

    return check


def no_check(result: object) -> str | None:
    return None


def new_loop(kind: str) -> asyncio.AbstractEventLoop:
    if kind == "uvloop":
        loop: asyncio.AbstractEventLoop = importlib.import_module("uvloop").new_event_loop()
        return loop
    return asyncio.new_event_loop()


def run_on(kind: str, main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run`` on a loop of ``kind`` ("asyncio" or "uvloop")."""
    loop = new_loop(kind)
    try:
        asyncio.set_event_loop(loop)
        return loop.run_until_complete(main())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        asyncio.set_event_loop(None)
        loop.close()


# Event-loop lag.


@dataclass
class Mode:
    name: str
    op: Op
    check: Check
    aio: bool = False  # judged against the lag target
    sync: bool = False  # judged as "stalls the loop for the whole operation"


@dataclass
class LagResult:
    name: str
    walls: list[float] = field(default_factory=list)
    loop_cpu: list[float] = field(default_factory=list)  # the loop thread's CPU time per op
    lags: list[list[float]] = field(default_factory=list)  # per round, seconds
    error: str | None = None

    @property
    def pooled(self) -> list[float]:
        return [lag for lags in self.lags for lag in lags]

    def stall_share(self) -> float:
        """Median over rounds of (worst lag / wall time): how much of the operation the loop
        was held for."""
        return statistics.median(
            max(lags, default=0.0) / wall for lags, wall in zip(self.lags, self.walls, strict=True)
        )


@dataclass
class Scenario:
    title: str
    modes: list[Mode]


async def ticker(ticks: list[tuple[float, float]]) -> None:
    while True:
        start = time.perf_counter()
        await asyncio.sleep(TICK)
        ticks.append((start, time.perf_counter()))


async def observe(op: Op) -> tuple[object, float, float, list[float]]:
    """Run ``op`` with the ticker going: its result, wall time, the loop thread's CPU time
    (``time.thread_time``: the loop's own work, the ticker's included) and the lags of the
    wake-ups whose sleep overlapped it."""
    ticks: list[tuple[float, float]] = []
    task = asyncio.create_task(ticker(ticks))
    try:
        await asyncio.sleep(WARMUP)
        cpu = time.thread_time()
        start = time.perf_counter()
        result = await op()
        end = time.perf_counter()
        cpu = time.thread_time() - cpu
        await asyncio.sleep(TAIL)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    lags = [wake - slept - TICK for slept, wake in ticks if slept < end and wake > start]
    return result, end - start, cpu, lags


async def run_scenario(scenario: Scenario, rounds: int) -> dict[str, LagResult]:
    results = {mode.name: LagResult(mode.name) for mode in scenario.modes}
    for mode in scenario.modes:  # warm-up: threads, runtimes, key caches; and a first check
        try:
            output, _, _, _ = await observe(mode.op)
        except Exception as error:
            results[mode.name].error = describe_error(error)
            continue
        results[mode.name].error = mode.check(output)
    live = [mode for mode in scenario.modes if results[mode.name].error is None]
    for round_index in range(rounds):
        shift = round_index % max(1, len(live))
        for mode in live[shift:] + live[:shift]:
            result = results[mode.name]
            if result.error is not None:
                continue
            gc.collect()
            try:
                output, wall, cpu, lags = await observe(mode.op)
            except Exception as error:
                result.error = describe_error(error)
                continue
            result.error = mode.check(output)
            result.walls.append(wall)
            result.loop_cpu.append(cpu)
            result.lags.append(lags)
    return results


def lag_table(scenario: Scenario, results: dict[str, LagResult], loop: str) -> list[str]:
    lines = [f"### Event-loop lag: {scenario.title} ({loop})", ""]
    lines += [
        "| mode | wake-ups (per op) | lag p50 ms | lag p99 ms | lag max ms "
        "| op wall ms [IQR] | loop CPU ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, result in results.items():
        if result.error is not None:
            lines.append(f"| {name} | {result.error} | | | | | |")
            continue
        pooled = result.pooled
        if not pooled:
            lines.append(f"| {name} | no wake-up observed | | | | | |")
            continue
        per_op = statistics.median(len(lags) for lags in result.lags)
        q1, q3 = iqr(result.walls)
        lines.append(
            f"| {name} | {len(pooled)} ({per_op:g}) | {ms(statistics.median(pooled))} | "
            f"{ms(percentile(pooled, 99))} | {ms(max(pooled))} | "
            f"{ms(statistics.median(result.walls))} [{ms(q1)}-{ms(q3)}] | "
            f"{ms(statistics.median(result.loop_cpu))} |"
        )
    return [*lines, ""]


@dataclass
class Verdict:
    target: str
    measured: str
    verdict: str
    met: bool | None  # None: not measured


def lag_verdicts(scenario: Scenario, results: dict[str, LagResult], loop: str) -> list[Verdict]:
    verdicts = []
    for mode in scenario.modes:
        result = results[mode.name]
        where = f"{scenario.title}, {mode.name} ({loop})"
        if not (mode.aio or mode.sync):
            continue
        if result.error is not None or not result.pooled:
            target = "aio p99 lag <= 5 ms" if mode.aio else "sync call stalls the whole op"
            verdicts.append(Verdict(f"{target}: {where}", "n/a", "not measured", None))
            continue
        if mode.aio:
            p99 = percentile(result.pooled, 99)
            met = p99 <= LAG_TARGET
            over = "" if met else f" ({ms(p99 - LAG_TARGET)} ms over)"
            verdicts.append(
                Verdict(
                    f"aio p99 lag <= {ms(LAG_TARGET)} ms: {where}",
                    f"p99 {ms(p99)} ms",
                    ("met" if met else "not met") + over,
                    met,
                )
            )
        else:
            share = result.stall_share()
            met = share >= STALL_SHARE
            verdicts.append(
                Verdict(
                    f"sync call stalls the loop for the whole op: {where}",
                    f"worst lag {100 * share:.0f}% of the op's wall time",
                    "yes" if met else "no",
                    met,
                )
            )
    return verdicts


def sign_ops(signs: int, pem: str) -> list[Mode]:
    expected = jwt.encode(CLAIMS, pem, algorithm="RS256")
    check = all_equal_to(expected, signs)

    def encode() -> str:
        return jwt.encode(CLAIMS, pem, algorithm="RS256")

    async def sync() -> object:
        return [encode() for _ in range(signs)]

    async def thread_sequential() -> object:
        return [await asyncio.to_thread(encode) for _ in range(signs)]

    async def thread_gathered() -> object:
        return list(await asyncio.gather(*(asyncio.to_thread(encode) for _ in range(signs))))

    async def aio_sequential() -> object:
        return [await aio.jwt_encode(CLAIMS, pem, algorithm="RS256") for _ in range(signs)]

    async def aio_gathered() -> object:
        calls = (aio.jwt_encode(CLAIMS, pem, algorithm="RS256") for _ in range(signs))
        return list(await asyncio.gather(*calls))

    return [
        Mode(f"{SYNC} ({signs} calls)", sync, check, sync=True),
        Mode(f"{THREAD}, sequential", thread_sequential, check),
        Mode(f"{THREAD}, gathered", thread_gathered, check),
        Mode(f"{AIO}, sequential", aio_sequential, check, aio=True),
        Mode(f"{AIO}, gathered", aio_gathered, check, aio=True),
        Mode(IDLE_MODE, idle, no_check),
    ]


async def idle() -> object:
    await asyncio.sleep(IDLE)
    return None


def hash_modes(
    sync: Callable[[], bytes], aio_call: Callable[[], Awaitable[bytes]], expected: bytes
) -> list[Mode]:
    check = equal_to(expected)

    async def on_loop() -> object:
        return sync()

    async def in_thread() -> object:
        return await asyncio.to_thread(sync)

    async def awaited() -> object:
        return await aio_call()

    return [
        Mode(SYNC, on_loop, check, sync=True),
        Mode(THREAD, in_thread, check),
        Mode(AIO, awaited, check, aio=True),
        Mode(IDLE_MODE, idle, no_check),
    ]


def reference_problems(data: bytes, pem: str, public_pem: str) -> tuple[list[str], str]:
    """The sync results every contender is held against, checked once against independent
    implementations (the blake3 package, PyJWT) where installed: problems, and what was checked."""
    problems, checked = [], []
    try:
        reference = importlib.import_module("blake3").blake3(data, max_threads=1).digest()
    except ImportError:
        checked.append("blake3 package not installed: digests not cross-checked")
    else:
        checked.append("the 256-bit digest against the blake3 package")
        if hashing.blake3_digest(data) != reference:
            problems.append("- reference: covet blake3_digest differs from the blake3 package")
    try:
        pyjwt = importlib.import_module("jwt")  # PyJWT (covet's module is covet_rust_core.jwt)
    except ImportError:
        checked.append("PyJWT not installed: tokens not cross-checked")
    else:
        checked.append("the RS256 token's claims with PyJWT")
        token = jwt.encode(CLAIMS, pem, algorithm="RS256")
        try:
            claims = pyjwt.decode(
                token,
                public_pem,
                algorithms=["RS256"],
                audience=CLAIMS["aud"],
                issuer=CLAIMS["iss"],
                options={"verify_exp": False},  # fixed claims, so that every token is the same
            )
        except Exception as error:
            problems.append(f"- reference: PyJWT rejects covet's RS256 token: {error!r}")
        else:
            if claims != CLAIMS:
                problems.append("- reference: PyJWT decodes covet's RS256 token to other claims")
    return problems, "; ".join(checked)


def build_scenarios(path: Path, data: bytes, signs: int, pem: str) -> list[Scenario]:
    expected_file = hashing.blake3_file(path)  # also brings the file into the page cache
    expected_bytes = hashing.blake3_digest(data)
    size = size_label(len(data))
    return [
        Scenario(
            f"blake3_file, a {size} file",
            hash_modes(
                lambda: hashing.blake3_file(path), lambda: aio.blake3_file(path), expected_file
            ),
        ),
        Scenario(
            f"blake3_digest, {size} of bytes in memory",
            hash_modes(
                lambda: hashing.blake3_digest(data),
                lambda: aio.blake3_digest(data),
                expected_bytes,
            ),
        ),
        Scenario(f"{signs} RS256 jwt.encode (2048-bit RSA, PEM text)", sign_ops(signs, pem)),
    ]


# Throughput: two concurrent hashes against one.


@dataclass
class Pair:
    name: str
    one: Op
    two: Op
    check_one: Check
    check_two: Check
    t1: list[float] = field(default_factory=list)
    t2: list[float] = field(default_factory=list)
    error: str | None = None

    def scaling(self) -> list[float]:
        return [2 * one / two for one, two in zip(self.t1, self.t2, strict=True)]


async def timed(op: Op, check: Check) -> float:
    start = time.perf_counter()
    output = await op()
    elapsed = time.perf_counter() - start
    problem = check(output)
    if problem is not None:
        raise AssertionError(problem)
    return elapsed


async def run_pairs(pairs: list[Pair], rounds: int) -> None:
    steps: list[tuple[Pair, bool]] = [(pair, two) for pair in pairs for two in (False, True)]
    for pair in pairs:  # warm-up and first check
        try:
            await timed(pair.one, pair.check_one)
            await timed(pair.two, pair.check_two)
        except Exception as error:
            pair.error = describe_error(error)
    for round_index in range(rounds):
        shift = round_index % len(steps)
        samples: dict[tuple[str, bool], float] = {}
        for pair, two in steps[shift:] + steps[:shift]:
            if pair.error is not None:
                continue
            gc.collect()
            try:
                samples[pair.name, two] = await timed(
                    pair.two if two else pair.one, pair.check_two if two else pair.check_one
                )
            except AssertionError as mismatch:
                pair.error = str(mismatch)
            except Exception as error:
                pair.error = describe_error(error)
        for pair in pairs:
            if pair.error is None:
                pair.t1.append(samples[pair.name, False])
                pair.t2.append(samples[pair.name, True])


def build_pairs(a: bytes, b: bytes) -> list[Pair]:
    expected_a, expected_b = hashing.blake3_digest(a), hashing.blake3_digest(b)
    one, two = equal_to(expected_a), equal_to([expected_a, expected_b])

    async def aio_one() -> object:
        return await aio.blake3_digest(a, max_threads=1)

    async def aio_two() -> object:
        first = aio.blake3_digest(a, max_threads=1)
        return list(await asyncio.gather(first, aio.blake3_digest(b, max_threads=1)))

    def digest(data: bytes) -> bytes:
        return hashing.blake3_digest(data, max_threads=1)

    async def thread_one() -> object:
        return await asyncio.to_thread(digest, a)

    async def thread_two() -> object:
        return list(
            await asyncio.gather(asyncio.to_thread(digest, a), asyncio.to_thread(digest, b))
        )

    def in_threads(*buffers: bytes) -> list[bytes]:
        """The machine's own scaling, no event loop: one plain thread per buffer (the loop is
        blocked meanwhile, which does not matter here)."""
        out: list[bytes] = [b""] * len(buffers)

        def work(index: int) -> None:
            out[index] = digest(buffers[index])

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(buffers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return out

    async def plain_one() -> object:
        return in_threads(a)[0]

    async def plain_two() -> object:
        return in_threads(a, b)

    return [
        Pair(AIO, aio_one, aio_two, one, two),
        Pair(THREAD, thread_one, thread_two, one, two),
        Pair(PLAIN_THREADS, plain_one, plain_two, one, two),
    ]


def pairs_table(pairs: list[Pair], size: int, cpus: int) -> tuple[list[str], Verdict]:
    lines = [
        f"### Throughput: two concurrent {size_label(size)} hashes against one (max_threads=1)",
        "",
        "| contender | t1 (one hash) | t2 (two, gathered) | GB/s one -> two "
        "| scaling 2*t1/t2 [IQR] |",
        "|---|---|---|---|---|",
    ]
    verdict = Verdict(
        f"2 concurrent aio hashes scale >= {SCALING_TARGET:g}x on 2 cores",
        "n/a",
        "not measured",
        None,
    )
    for pair in pairs:
        if pair.error is not None or not pair.t1:
            lines.append(f"| {pair.name} | {pair.error or 'no sample'} | | | |")
            continue
        ratios = pair.scaling()
        q1, q3 = iqr(ratios)
        t1, t2 = statistics.median(pair.t1), statistics.median(pair.t2)
        scaling = statistics.median(ratios)
        lines.append(
            f"| {pair.name} | {format_time(t1)} | {format_time(t2)} | "
            f"{size / t1 / 1e9:.3g} -> {2 * size / t2 / 1e9:.3g} | "
            f"{scaling:.2f}x [{q1:.2f}-{q3:.2f}] |"
        )
        if pair.name == AIO:
            if cpus < 2:
                outcome, met = f"not measurable: {cpus} CPU available", None
            else:
                met = scaling >= SCALING_TARGET
                outcome = "met" if met else "not met"
            verdict = Verdict(verdict.target, f"{scaling:.2f}x [{q1:.2f}-{q3:.2f}]", outcome, met)
    plain = next((p for p in pairs if p.name == PLAIN_THREADS and p.error is None and p.t1), None)
    if plain is not None and verdict.met is False:
        machine = statistics.median(plain.scaling())
        if machine < SCALING_TARGET:
            verdict.verdict += (
                f" (plain threads scaled {machine:.2f}x in the same rounds: the machine did not "
                "give two free cores)"
            )
    return [*lines, ""], verdict


# The inline threshold.


@dataclass
class AsyncContender:
    name: str
    call: Op


@dataclass
class AsyncResult(Result):
    loop_cpu: list[float] = field(default_factory=list)  # the loop thread's CPU per call


async def time_batch(call: Op, calls: int) -> tuple[float, float, object]:
    """Wall and loop-thread CPU time of ``calls`` sequential awaits, and the last result."""
    output: object = None
    cpu = time.thread_time()
    start = time.perf_counter()
    for _ in range(calls):
        output = await call()
    return time.perf_counter() - start, time.thread_time() - cpu, output


async def calibrate(call: Op, sample_seconds: float) -> int:
    calls = 1
    while True:
        elapsed, _, _ = await time_batch(call, calls)
        if elapsed >= sample_seconds / 4 or calls >= 1 << 20:
            return max(1, round(calls * sample_seconds / max(elapsed, 1e-9)))
        calls *= 4


async def run_async(
    contenders: list[AsyncContender], check: Check, rounds: int, sample_seconds: float
) -> dict[str, AsyncResult]:
    """interleave.run for awaitables: per-call times (wall, and the loop thread's CPU), rounds
    in a rotating order, each batch's last result checked."""
    results = {c.name: AsyncResult(c.name) for c in contenders}
    batch: dict[str, int] = {}
    for contender in contenders:
        try:
            results[contender.name].error = check(await contender.call())
            batch[contender.name] = await calibrate(contender.call, sample_seconds)
        except Exception as error:
            results[contender.name].error = describe_error(error)
    live = [c for c in contenders if results[c.name].error is None]
    for round_index in range(rounds):
        shift = round_index % max(1, len(live))
        for contender in live[shift:] + live[:shift]:
            result = results[contender.name]
            if result.error is not None:
                continue
            calls = batch[contender.name]
            try:
                elapsed, cpu, output = await time_batch(contender.call, calls)
            except Exception as error:
                result.error = describe_error(error)
                continue
            result.error = check(output)
            result.per_call.append(elapsed / calls)
            result.loop_cpu.append(cpu / calls)
    return results


async def runs_inline(data: bytes) -> str:
    """Whether ``aio.blake3_digest(data)`` completes without leaving the loop: probed on the
    extension's future (done when returned), not assumed from the documented threshold."""
    native = getattr(covet_rust_core, "_native", None)
    call = getattr(getattr(native, "aio", None), "blake3_digest", None)
    if call is None:
        return "?"
    future = call(data)
    done = bool(future.done())
    await future
    return "inline" if done else "offloaded"


def threshold_contenders(data: bytes) -> list[AsyncContender]:
    async def awaited() -> object:
        return await aio.blake3_digest(data)

    async def on_loop() -> object:
        return hashing.blake3_digest(data)

    async def in_thread() -> object:
        return await asyncio.to_thread(hashing.blake3_digest, data)

    return [
        AsyncContender(AIO, awaited),
        AsyncContender(SYNC, on_loop),
        AsyncContender(THREAD, in_thread),
    ]


async def run_threshold(
    config: Settings,
) -> tuple[dict[int, dict[str, AsyncResult]], dict[int, str]]:
    results, paths = {}, {}
    for size in config.threshold_sizes:
        data = deterministic_bytes(size, f"threshold-{size}")
        expected = hashing.blake3_digest(data)
        paths[size] = await runs_inline(data)
        gc.collect()
        results[size] = await run_async(
            threshold_contenders(data),
            equal_to(expected),
            config.threshold_rounds,
            config.sample_seconds,
        )
    return results, paths


def threshold_table(results: dict[int, dict[str, AsyncResult]], paths: dict[int, str]) -> list[str]:
    lines = [
        "### Inline threshold: blake3_digest per call, awaited in a coroutine",
        "",
        "Per call, medians: wall time, and the loop thread's CPU time (`time.thread_time`: "
        "what the call costs the loop: submitting, resuming, or hashing inline). The sync call "
        "in a coroutine holds the loop for its whole wall time. loop time saved = sync - aio "
        "loop CPU (negative: the hand-off costs the loop more than hashing inline would).",
        "",
        f"| size | aio path | {AIO} wall | {AIO} loop CPU | sync in the coroutine "
        f"| {THREAD} wall | {THREAD} loop CPU | loop time saved by aio "
        "| aio wall / sync [IQR] | to_thread wall / aio [IQR] |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, by_name in results.items():
        aio_r, sync_r, thread_r = by_name[AIO], by_name[SYNC], by_name[THREAD]
        cells = [size_label(size), paths[size]]
        for result, cpu in ((aio_r, True), (sync_r, False), (thread_r, True)):
            if result.error is not None:
                cells += [result.error] + ([""] if cpu else [])
                continue
            cells.append(format_time(result.median))
            if cpu:
                cells.append(format_time(statistics.median(result.loop_cpu)))
        if aio_r.error is None and sync_r.error is None:
            saved = sync_r.median - statistics.median(aio_r.loop_cpu)
            cells.append(("-" if saved < 0 else "") + format_time(abs(saved)))
        else:
            cells.append("n/a")
        cells.append(format_ratio(paired_ratio(aio_r, sync_r)))
        cells.append(format_ratio(paired_ratio(thread_r, aio_r)))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines += handoff_remarks(results, paths)
    return lines


def handoff_remarks(results: dict[int, dict[str, AsyncResult]], paths: dict[int, str]) -> list[str]:
    """What the hand-off costs at the first offloaded size, and from which size the sync call
    costs the loop more than that (at the sync call's rate on the largest size)."""
    offloaded = [size for size, path in paths.items() if path == "offloaded"]
    if not offloaded:
        return []
    first, largest = min(offloaded), max(results)
    aio_r, sync_r, big = results[first][AIO], results[first][SYNC], results[largest][SYNC]
    if aio_r.error is not None or sync_r.error is not None or big.error is not None:
        return []
    rate = largest / big.median  # bytes per second of the sync call
    round_trip = aio_r.median - sync_r.median
    loop_cpu = statistics.median(aio_r.loop_cpu)
    return [
        f"At {size_label(first)} (the first offloaded size) an awaited aio call takes "
        f"{format_time(aio_r.median)} against {format_time(sync_r.median)} for the sync call: "
        f"the hand-off adds {format_time(round_trip)} of latency for the caller, and costs the "
        f"loop {format_time(loop_cpu)} of CPU. At the sync call's {size_label(largest)} rate "
        f"({rate / 1e9:.2f} GB/s) hashing inline costs the loop that much at about "
        f"{loop_cpu * rate / KIB:.0f} KiB (break-even for the loop's time), and the caller's "
        f"added latency at about {round_trip * rate / KIB:.0f} KiB.",
        "",
    ]


# The report.


def aio_environment(loops: list[str]) -> dict[str, Any]:
    env = environment()
    for package in ("cryptography", "uvloop"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            env["versions"][package] = metadata.version(package)
    if hasattr(os, "sched_getaffinity"):
        env["cpus_available"] = len(os.sched_getaffinity(0))
    if hasattr(os, "getloadavg"):
        env["loadavg_at_start"] = [round(load, 2) for load in os.getloadavg()]
    env["aio_backend"] = aio.BACKEND
    env["switch_interval_s"] = sys.getswitchinterval()
    env["loops"] = loops
    info = covet_rust_core.native_info()
    env["debug_build"] = bool(info.get("is_debug_build")) or info.get("profile") not in (
        None,
        "release",
    )
    return env


def targets_table(verdicts: list[Verdict]) -> list[str]:
    lines = ["### Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {v.target} | {v.measured} | {v.verdict} |" for v in verdicts]
    judged = [v for v in verdicts if v.met is not None]
    lines += ["", f"{sum(bool(v.met) for v in judged)} of {len(judged)} judged targets met.", ""]
    return lines


def main() -> int:  # noqa: PLR0915 - one straight report, section by section
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="64 MiB file, 50 signs, 3 rounds")
    parser.add_argument("--json", help="write the environment, raw samples and summaries here")
    parser.add_argument("--rounds", type=int, help="lag and throughput rounds (7; --quick 3)")
    parser.add_argument("--uvloop", action="store_true", help="also measure the lag on uvloop")
    parser.add_argument(
        "--allow-fallback",
        action="store_true",
        help="run on the pure-Python backend (its aio holds the GIL: numbers are not covet's)",
    )
    args = parser.parse_args()
    native = covet_rust_core.BACKEND == "native" and aio.BACKEND == "native"
    if not native and not args.allow_fallback:
        print(
            f"bench_aio: refusing to run on the {covet_rust_core.BACKEND!r} backend: the "
            "pure-Python twin holds the GIL while it hashes and signs, so its aio only "
            "interleaves with the loop (every switch interval) and the lag measured would be "
            "the twin's, not covet's. Install the native extension (a release build), or pass "
            "--allow-fallback to measure the twin anyway.",
            file=sys.stderr,
        )
        return 2
    config = settings(args.quick, native, args.rounds)
    loops = ["asyncio"]
    notes = []
    if args.uvloop:
        try:
            importlib.import_module("uvloop")
            loops.append("uvloop")
            notes.append(
                "uvloop: libuv keeps its clock in whole milliseconds, cached per iteration, so a "
                "1 ms sleep can end early by perf_counter: small negative lags are uvloop's, "
                "not an error."
            )
        except ImportError:
            notes.append("uvloop requested but not installed: its rows are left out.")
    env = aio_environment(loops)
    cpus = int(env.get("cpus_available") or env["cores"] or 1)
    out = ["## asyncio benchmark: event-loop lag, throughput, inline threshold", ""]
    if env["debug_build"]:
        out += [
            "**WARNING: DEBUG BUILD of covet_rust_core (profile "
            f"{env['build_profile']!r}). These numbers say nothing about a release build.**",
            "",
        ]
    if not native:
        out += [
            "**WARNING: FALLBACK BACKEND (--allow-fallback). The pure-Python twin holds the "
            "GIL while it works: its aio only interleaves with the loop. Not covet's numbers.**",
            "",
        ]
    out += [
        "Environment: " + ", ".join(f"{k}={v}" for k, v in env.items()),
        "",
        f"Settings ({config.note}): file {size_label(config.file_bytes)}, "
        f"{config.signs} RS256 signs, {config.rounds} interleaved rounds (lag, throughput), "
        f"throughput buffers {size_label(config.pair_bytes)}, threshold {config.threshold_rounds} "
        f"rounds of ~{config.sample_seconds * 1e3:g} ms samples. Ticker: "
        f"`await asyncio.sleep({TICK:g})`, lag = elapsed - 1 ms; p50/p99/max over every "
        "wake-up of every round whose sleep overlapped the operation; op wall: median "
        "[IQR] over rounds; loop CPU: the loop thread's CPU time during the op "
        "(`time.thread_time`, the ticker's share included: see idle). idle = `await asyncio.sleep"
        f"({IDLE:g})` with no work (the loop's own timer lag).",
        *notes,
        "",
    ]
    print("\n".join(out), flush=True)
    errors: list[str] = []
    verdicts: list[Verdict] = []
    raw: dict[str, Any] = {"lag": {}, "throughput": {}, "threshold": {}}

    # Event-loop lag.
    keys = key_material("RS256")
    pem = keys.signing
    with tempfile.TemporaryDirectory(prefix="covet-bench-aio-") as tmp:
        data = deterministic_bytes(config.file_bytes, "file")
        path = Path(tmp) / "payload.bin"
        path.write_bytes(data)
        problems, checked = reference_problems(data, pem, keys.verifying)
        errors += problems
        print(f"Sync results checked once: {checked}: {len(problems)} problem(s).\n", flush=True)
        scenarios = build_scenarios(path, data, config.signs, pem)
        for loop in loops:
            for scenario in scenarios:

                async def lag_main(scenario: Scenario = scenario) -> dict[str, LagResult]:
                    return await run_scenario(scenario, config.rounds)

                gc.collect()
                results = run_on(loop, lag_main)
                lines = lag_table(scenario, results, loop)
                found = lag_verdicts(scenario, results, loop)
                lines += [f"- {v.target}: {v.measured}: **{v.verdict}**" for v in found] + [""]
                print("\n".join(lines), flush=True)
                verdicts += found
                errors += [
                    f"- {scenario.title}, {r.name} ({loop}): {r.error}"
                    for r in results.values()
                    if r.error
                ]
                raw["lag"][f"{scenario.title} ({loop})"] = {
                    name: {
                        "walls_s": r.walls,
                        "loop_cpu_s": r.loop_cpu,
                        "lags_s": r.lags,
                        "error": r.error,
                        "summary": None
                        if r.error or not r.pooled
                        else {
                            "wakeups": len(r.pooled),
                            "p50_s": statistics.median(r.pooled),
                            "p99_s": percentile(r.pooled, 99),
                            "max_s": max(r.pooled),
                            "wall_median_s": statistics.median(r.walls),
                            "loop_cpu_median_s": statistics.median(r.loop_cpu),
                        },
                    }
                    for name, r in results.items()
                }
        del data, scenarios

    # Throughput.
    a = deterministic_bytes(config.pair_bytes, "pair-a")
    b = deterministic_bytes(config.pair_bytes, "pair-b")
    pairs = build_pairs(a, b)

    async def pairs_main(pairs: list[Pair] = pairs) -> None:
        await run_pairs(pairs, config.rounds)

    gc.collect()
    run_on("asyncio", pairs_main)
    lines, verdict = pairs_table(pairs, config.pair_bytes, cpus)
    lines[1:1] = [
        "",
        f"{config.rounds} interleaved rounds; scaling per round, median [IQR]; "
        f"{cpus} CPUs available.",
    ]
    lines += [f"- {verdict.target}: {verdict.measured}: **{verdict.verdict}**", ""]
    print("\n".join(lines), flush=True)
    verdicts.append(verdict)
    errors += [f"- throughput, {p.name}: {p.error}" for p in pairs if p.error]
    raw["throughput"] = {
        p.name: {"t1_s": p.t1, "t2_s": p.t2, "scaling": p.scaling(), "error": p.error}
        for p in pairs
    }
    del a, b, pairs

    # Inline threshold.
    gc.collect()
    threshold, paths = run_on("asyncio", lambda: run_threshold(config))
    print("\n".join(threshold_table(threshold, paths)), flush=True)
    for size, by_name in threshold.items():
        errors += [
            f"- threshold {size_label(size)}, {r.name}: {r.error}"
            for r in by_name.values()
            if r.error
        ]
        raw["threshold"][str(size)] = {
            "path": paths[size],
            "per_call_s": {name: r.per_call for name, r in by_name.items()},
            "errors": {name: r.error for name, r in by_name.items() if r.error},
        }

    lines = targets_table(verdicts)
    if hasattr(os, "getloadavg"):
        end_load = [round(load, 2) for load in os.getloadavg()]
        env["loadavg_at_end"] = end_load
        lines += [
            f"Load average (1, 5, 15 min) at the start: {env.get('loadavg_at_start')}, at the "
            f"end: {end_load} (this process counts for about 1; more is other work).",
            "",
        ]
    lines += [f"### Errors: {len(errors)}", "", *errors, ""] if errors else ["Errors: 0", ""]
    print("\n".join(lines), flush=True)
    if args.json:
        payload = {
            "environment": env,
            "settings": {
                "file_bytes": config.file_bytes,
                "signs": config.signs,
                "rounds": config.rounds,
                "pair_bytes": config.pair_bytes,
                "threshold_sizes": list(config.threshold_sizes),
                "threshold_rounds": config.threshold_rounds,
                "sample_seconds": config.sample_seconds,
                "tick_s": TICK,
                "quick": args.quick,
                "note": config.note,
            },
            "raw": raw,
            "targets": [
                {"target": v.target, "measured": v.measured, "verdict": v.verdict, "met": v.met}
                for v in verdicts
            ],
            "errors": errors,
        }
        dump_json(args.json, payload)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
