"""``covet_rust_core.aio``, the asyncio awaitables (docs/AIO.md), on both backends: the native
one (``covet_rust_core._aio_native`` over the extension's ``_native.aio``) and the
pure-Python twin (``covet_rust_core.fallback.aio``, ``asyncio.to_thread`` over the twin).

Every test takes the ``impl`` fixture and runs once per backend on ``aio_backend(impl)``,
``(name, aio module, implementation)`` (tests/support/aio_backend.py); a check that only
means something natively (the loop is freed, fork, the raw extension functions) skips the
twin with the reason. What is checked:

* Results: every awaitable returns exactly what its sync form returns, for BLAKE3 with every
  option (XOF lengths past 64 and 256 KiB, seek, key, derive_key_context, max_threads incl.
  AUTO), every buffer type, inputs hashed inline (natively under 256 KiB, digest length
  included) and offloaded (256 KiB, 1 MiB, 8 MiB), files of several sizes under
  str/bytes/PathLike paths, and JWT encode/decode for HMAC (inline) and RS/PS/ES/EdDSA
  (offloaded; randomized signatures are compared by decoding).
  The awaitables are coroutine functions and work as tasks.
* Exceptions: the same type and ``str()`` (and errno/filename for OSError) as the sync form,
  raised when the coroutine is awaited, never when it is called (a wrong call signature,
  as for any ``async def``, raises TypeError at the call).
* Cancellation of 1000+ in-flight tasks leaks no thread, no memory, no reference to the
  shared input, and a cancelled bytearray hash eventually releases its buffer export.
* Three event loops in three threads at once, and uvloop when it is installed.
* The loop keeps running while a 256 MiB hash or a batch of RS256 signatures is awaited
  (native; ordering only: a ticker task must advance meanwhile).
* ``os.fork()`` after the runtime started, and with awaitables pending (native, in a fresh
  interpreter with a bounded wait: a hang fails the test instead of the session).
* Inputs kept alive: a buffer cannot be resized/closed/released while its hash is pending;
  a ``bytes`` dropped by the caller still hashes correctly.
* The raw extension functions outside a running loop raise RuntimeError; the runtime starts
  no thread before the first offloaded awaitable; processes exit cleanly after using aio.

No test asserts a time, rate or speedup; timeouts only bound how long a hang can take. Some
tests are marked xfail: each one pins a contract violation found while writing this file
(the reason says which) and turns into a plain failure (strict) or an XPASS once fixed.
"""

from __future__ import annotations

import array
import asyncio
import base64
import concurrent.futures
import contextlib
import datetime
import functools
import gc
import inspect
import json
import mmap
import os
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Final, ParamSpec, TypeVar

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.support.aio_backend import AioBackend, aio_backend
from tests.support.asan import UNDER_ASAN
from tests.support.keys import ALG_KEY, Keys, material
from tests.support.public_api import AIO_NAMES

# --- Backends ----------------------------------------------------------------------------


def native_only(backend: AioBackend, why: str) -> None:
    if not backend.native:
        pytest.skip(f"native backend only: {why}")


def linux_only() -> None:
    if not Path("/proc/self/task").is_dir():
        pytest.skip("counts threads through /proc/self/task (Linux)")


# docs/AIO.md: the native side hashes inline under 256 KiB (input or digest length).
INLINE_LIMIT: Final = 256 << 10


@dataclass(frozen=True)
class Scale:
    """How much work one backend does. The twin's BLAKE3 is pure Python (about 1 MB/s), so
    sizes stop at 64 KiB (the native side's inline threshold is 256 KiB)."""

    digest_sizes: tuple[int, ...]  # bytes input, default options
    typed_sizes: tuple[int, ...]  # every buffer type
    option_sizes: tuple[int, ...]  # every option set
    file_sizes: tuple[int, ...]
    offloaded: int  # an input size that is offloaded on the native side
    shared_input: int  # the cancellation rounds' shared bytes
    rounds: int
    tasks: int
    rs256_per_round: int
    loop_mix_large: int
    xof_length: int  # a digest length the native side offloads


NATIVE_SCALE: Final = Scale(
    digest_sizes=(
        *(0, 1, 1023, 1024, 2047, 2048, 65535, 65536, 65537),
        *(INLINE_LIMIT - 1, INLINE_LIMIT, INLINE_LIMIT + 1, 1 << 20, 8 << 20),
    ),
    typed_sizes=(0, 1000, 65536 + 7, INLINE_LIMIT + 7, 1 << 20, 8 << 20),
    option_sizes=(1000, INLINE_LIMIT, 1 << 20, 8 << 20),
    file_sizes=(0, 1, 65536, INLINE_LIMIT, (1 << 20) + 1, 8 << 20),
    offloaded=8 << 20,
    shared_input=1 << 20,
    rounds=5,
    tasks=1000,
    rs256_per_round=20,
    loop_mix_large=4 << 20,
    xof_length=INLINE_LIMIT + 3,
)
TWIN_SCALE: Final = Scale(
    digest_sizes=(0, 1, 1023, 1024, 2048, 4097),
    typed_sizes=(0, 1000, 4096 + 7),
    option_sizes=(1000,),
    file_sizes=(0, 1, 1000, 5000),
    offloaded=8192,
    shared_input=4096,
    rounds=3,
    tasks=1000,
    rs256_per_round=4,
    loop_mix_large=8192,
    xof_length=5000,
)


def scale(backend: AioBackend) -> Scale:
    return NATIVE_SCALE if backend.native else TWIN_SCALE


# --- Data ----------------------------------------------------------------------------------

_UNIT: Final = bytes((i * 7 + 3) % 256 for i in range(251))
KEY32: Final = bytes(range(100, 132))
CONTEXT: Final = "covet_rust_core tests 2024-06-07 aio context"
FAR_FUTURE: Final = 4_102_444_800  # 2100-01-01
LONG_AGO: Final = 1_000_000_000  # 2001-09-09
SECRET: Final = "covet-aio-tests-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF"
OTHER_SECRET: Final = "another-aio-secret-of-enough-length-0123456789-abcdefghijklmnopqrstu"
CLAIMS: Final[dict[str, Any]] = {
    "sub": "user-42",
    "name": "Zoë",
    "roles": ["admin", "ops"],
    "aud": ["api", "web"],
    "iss": "covet-tests",
    "iat": LONG_AGO,
    "nbf": LONG_AGO,
    "exp": FAR_FUTURE,
}
HS_ALGS: Final = ("HS256", "HS384", "HS512")
ASYM_ALGS: Final = tuple(ALG_KEY)  # RS*, PS*, ES256, ES384, EdDSA
DETERMINISTIC_ALGS: Final = (*HS_ALGS, "RS256", "RS384", "RS512", "EdDSA")
# Bounds on how long a hang can take before it fails a test (never a pass condition).
JOIN_TIMEOUT: Final = 120.0
SUBPROCESS_TIMEOUT: Final = 600.0
# How long poll_until waits for what must happen eventually (a reference dropped, an export
# released by a covet thread) before it fails the test: on a loaded machine those threads
# may wait seconds for a core; a correct build gets there long before this.
POLL_GUARD_SECONDS: Final = 120.0


def pattern(size: int, salt: int = 0) -> bytes:
    """``size`` bytes of a non-trivial, reproducible pattern."""
    unit = _UNIT if salt == 0 else bytes((b + salt) % 256 for b in _UNIT)
    return (unit * (size // len(unit) + 1))[:size]


def signing_keys(keys: Keys, alg: str) -> tuple[str, str]:
    """(signing key, verifying key) as the tests pass them: PEM text, or the HMAC secret."""
    if alg in HS_ALGS:
        return SECRET, SECRET
    pair = keys.get(ALG_KEY[alg])
    return pair.private_pkcs8_pem, pair.public_spki_pem


def rs256_token(keys: Keys, header: dict[str, Any], payload: bytes, *, other: bool = False) -> str:
    """An RS256 token of exactly this header and payload (raw bytes), validly signed with
    ``rsa2048`` (or ``rsa2048_other``): the check under test is the one that fires."""
    private = (keys.rsa2048_other if other else keys.rsa2048).private
    assert isinstance(private, rsa.RSAPrivateKey)

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(payload)}"
    signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


# --- Outcomes ------------------------------------------------------------------------------

Outcome = tuple[Any, ...]


def describe(error: BaseException) -> Outcome:
    """What must match between the forms: exact type and message, and for OSError the errno
    and the file names."""
    details: Outcome = ("raised", type(error), str(error))
    if isinstance(error, OSError):
        details += (error.errno, error.filename, error.filename2)
    return details


def sync_outcome(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    try:
        return ("ok", call(*args, **kwargs))
    except Exception as error:
        return describe(error)


async def aio_outcome(call: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Outcome:
    # Calling never raises: the coroutine function only builds the coroutine.
    awaitable = call(*args, **kwargs)
    try:
        return ("ok", await awaitable)
    except Exception as error:
        return describe(error)


def short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 200 else f"{text[:200]}... ({len(text)} characters)"


def thread_names() -> list[str]:
    """The ``comm`` name of every thread of this process (Linux)."""
    names = []
    for task in Path("/proc/self/task").iterdir():
        try:
            names.append((task / "comm").read_text().strip())
        except OSError:  # the thread left meanwhile
            continue
    return names


def rss_bytes() -> int:
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")


def cpus() -> int:
    return os.cpu_count() or 1


def settle(backend: AioBackend) -> None:
    """A call into the backend: on the native side the extension then applies reference
    drops that covet threads deferred because they did not hold the GIL."""
    backend.sync.hashing.blake3_digest(b"")


async def poll_until(backend: AioBackend, ready: Callable[[], bool]) -> bool:
    """``ready()`` polled with short pauses until it is true, or until POLL_GUARD_SECONDS
    have passed (the guard against a hang: how long it takes is never the verdict). A
    follow-up awaitable first gives covet's delivery threads a turn."""
    await backend.aio.blake3_digest(pattern(scale(backend).offloaded))
    give_up_at = time.monotonic() + POLL_GUARD_SECONDS
    while time.monotonic() < give_up_at:
        settle(backend)
        if ready():
            return True
        await asyncio.sleep(0.01)
    settle(backend)
    return ready()


@contextlib.contextmanager
def gil_kept() -> Iterator[None]:
    """Keep the GIL on this thread through the block (which never blocks): with a long
    switch interval the interpreter does not hand it over. Whatever another thread needs the
    GIL for (releasing a buffer export, delivering a result) cannot happen meanwhile."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(60.0)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def run_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """``work(i)`` on ``count`` threads started together; their results in order. Fails on
    an exception or a thread still running after the join timeout."""
    barrier = threading.Barrier(count)
    results: dict[int, Any] = {}
    failures: list[str] = []

    def body(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[index] = work(index)
        except BaseException as error:
            failures.append(f"thread {index}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    assert [t.name for t in threads if t.is_alive()] == [], "a thread hung"
    assert failures == []
    return [results[i] for i in range(count)]


# --- The public module ----------------------------------------------------------------------


def test_awaitables_are_coroutine_functions_and_run_as_tasks(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    keys = material()
    rsa_private, rsa_public = signing_keys(keys, "RS256")
    for name in AIO_NAMES:
        function = getattr(backend.aio, name)
        assert inspect.iscoroutinefunction(function), name
        if sys.version_info < (3, 14):  # deprecated (and warning) from 3.14
            assert asyncio.iscoroutinefunction(function), name

    big = pattern(scale(backend).offloaded)
    token = backend.sync.jwt.encode(CLAIMS, rsa_private, "RS256")

    async def main() -> list[Any]:
        coroutine = backend.aio.blake3_digest(b"abc")
        assert inspect.iscoroutine(coroutine)
        tasks = [
            asyncio.create_task(coroutine),
            asyncio.create_task(backend.aio.blake3_hexdigest(big)),
            asyncio.create_task(backend.aio.jwt_encode(CLAIMS, rsa_private, "RS256")),
            asyncio.create_task(
                backend.aio.jwt_decode(token, rsa_public, ["RS256"], audience="api")
            ),
            asyncio.create_task(
                backend.aio.jwt_decode_complete(token, rsa_public, ["RS256"], audience="api")
            ),
        ]
        return list(await asyncio.gather(*tasks))

    results = asyncio.run(main())
    assert results == [
        backend.sync.hashing.blake3_digest(b"abc"),
        backend.sync.hashing.blake3_hexdigest(big),
        token,
        backend.sync.jwt.decode(token, rsa_public, ["RS256"], audience="api"),
        backend.sync.jwt.decode_complete(token, rsa_public, ["RS256"], audience="api"),
    ]


# --- 1. Results equal the sync forms --------------------------------------------------------


def buffer_forms(data: bytes) -> list[tuple[str, Any]]:
    """The same bytes as every kind of buffer the contract names."""
    forms: list[tuple[str, Any]] = [
        ("bytes", data),
        ("bytearray", bytearray(data)),
        ("memoryview(bytes)", memoryview(data)),
        ("memoryview(bytearray)", memoryview(bytearray(data))),
        ("contiguous slice", memoryview(b"\x00\x01\x02" + data)[3:]),
    ]
    if len(data) % 8 == 0:
        forms.append(("array('Q')", array.array("Q", data)))
    else:
        forms.append(("array('B')", array.array("B", data)))
    return forms


def blake3_option_sets(auto: int, xof_length: int) -> list[dict[str, Any]]:
    return [
        {},
        {"length": 0},
        {"length": 1},
        {"length": 16},
        {"length": 64},
        {"length": 65535},
        {"length": 65536},
        {"length": 100_000},  # XOF past 64 KiB
        {"seek": 1},
        {"seek": 12_345, "length": 100},
        {"seek": 2**64 - 1},
        {"seek": 2**40, "length": 70_000},
        {"key": KEY32},
        {"key": bytearray(KEY32)},
        {"key": memoryview(KEY32), "length": 70_000, "seek": 3},
        {"derive_key_context": CONTEXT},
        {"derive_key_context": ""},
        {"derive_key_context": CONTEXT, "length": 100_000},
        {"key": None, "derive_key_context": None},
        {"max_threads": 1},
        {"max_threads": 2},
        {"max_threads": auto},
        {"max_threads": 64},
        {"max_threads": auto, "key": KEY32, "length": 70_000},
        {"length": xof_length},
        {"derive_key_context": CONTEXT, "length": xof_length, "seek": 9},
    ]


def test_blake3_results_match_sync(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    s = scale(backend)
    auto = backend.sync.hashing.AUTO
    assert auto == -1
    cases: list[tuple[str, Any, dict[str, Any]]] = []
    for size in s.digest_sizes:
        cases.append((f"bytes[{size}]", pattern(size, 1), {}))
    for size in s.typed_sizes:
        for form, data in buffer_forms(pattern(size, 2)):
            cases.append((f"{form}[{size}]", data, {}))
    for size in s.option_sizes:
        data = pattern(size, 3)
        for options in blake3_option_sets(auto, s.xof_length):
            cases.append((f"bytes[{size}] {options}", data, options))
    with mmap.mmap(-1, s.offloaded) as mapped:
        mapped.write(pattern(s.offloaded, 4))
        cases.append((f"mmap[{s.offloaded}]", mapped, {}))

        async def main() -> None:
            for label, data, options in cases:
                for name in ("blake3_digest", "blake3_hexdigest"):
                    expected = backend.sync_form(name)(data, **options)
                    got = await getattr(backend.aio, name)(data, **options)
                    assert type(got) is type(expected), f"{name} {label}"
                    assert got == expected, f"{name} {label}"

        asyncio.run(main())


def test_blake3_inline_and_offloaded_cases_gathered_keep_their_order(impl: ModuleType) -> None:
    """Many awaitables at once, inline and offloaded mixed: each result is its own."""
    backend = aio_backend(impl)
    s = scale(backend)
    inputs = [pattern(size, salt) for salt, size in enumerate([*s.digest_sizes, *s.digest_sizes])]
    expected = [backend.sync.hashing.blake3_digest(data) for data in inputs]
    expected_hex = [backend.sync.hashing.blake3_hexdigest(data, length=40) for data in inputs]

    async def main() -> tuple[list[bytes], list[str]]:
        digests = await asyncio.gather(*(backend.aio.blake3_digest(d) for d in inputs))
        hexes = await asyncio.gather(*(backend.aio.blake3_hexdigest(d, length=40) for d in inputs))
        return list(digests), list(hexes)

    assert asyncio.run(main()) == (expected, expected_hex)


def test_blake3_file_results_match_sync(impl: ModuleType, tmp_path: Path) -> None:
    backend = aio_backend(impl)
    s = scale(backend)
    auto = backend.sync.hashing.AUTO
    files = []
    for size in s.file_sizes:
        path = tmp_path / f"data-{size}.bin"
        path.write_bytes(pattern(size, 5))
        files.append(path)
    option_sets: list[dict[str, Any]] = [
        {},
        {"length": 100_000, "seek": 7},
        {"length": INLINE_LIMIT + 1},
        {"key": KEY32},
        {"derive_key_context": CONTEXT},
        {"max_threads": auto},
        {"max_threads": 2, "length": 16},
    ]

    async def main() -> None:
        for path in files:
            for form in (str(path), os.fsencode(path), path):
                for options in option_sets if form is path else [{}]:
                    expected = backend.sync.hashing.blake3_file(form, **options)
                    got = await backend.aio.blake3_file(form, **options)
                    assert got == expected, f"{short(form)} {options}"
                    # and the file's bytes hashed in memory agree
                    assert got == backend.sync.hashing.blake3_digest(path.read_bytes(), **options)

    asyncio.run(main())


def test_jwt_encode_results_match_sync(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    keys = material()
    headers = {"kid": "key-1", "x-covet": [1, "two"]}

    def key_forms(alg: str) -> list[tuple[str, Any]]:
        private, _ = signing_keys(keys, alg)
        forms: list[tuple[str, Any]] = [("text", private), ("bytes", private.encode())]
        if alg in HS_ALGS:
            forms.append(("Key", backend.sync.jwt.Key.from_secret(private)))
        else:
            pair = keys.get(ALG_KEY[alg])
            forms.append(("Key", backend.sync.jwt.Key.from_pem(private)))
            forms.append(("JWK", pair.private_jwk))
        return forms

    async def main() -> None:
        for alg in (*HS_ALGS, *ASYM_ALGS):
            _, public = signing_keys(keys, alg)
            for label, key in key_forms(alg):
                for extra in (None, headers):
                    expected = backend.sync.jwt.encode(CLAIMS, key, alg, extra)
                    got = await backend.aio.jwt_encode(CLAIMS, key, alg, extra)
                    where = f"{alg} {label} headers={extra}"
                    assert isinstance(got, str), where
                    if alg in DETERMINISTIC_ALGS:
                        assert got == expected, where
                    # Randomized or not, the token must verify and carry the same content.
                    mine = backend.sync.jwt.decode_complete(got, public, [alg], audience="api")
                    theirs = backend.sync.jwt.decode_complete(
                        expected, public, [alg], audience="api"
                    )
                    assert mine["header"] == theirs["header"], where
                    assert mine["payload"] == theirs["payload"] == CLAIMS, where

    asyncio.run(main())


def test_jwt_decode_results_match_sync(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    keys = material()

    def variants(token: str, alg: str, public: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        out: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
            ((token, public, [alg]), {"audience": "api"}),
            ((token.encode(), public.encode(), [alg]), {"audience": ["x", "web"]}),
            ((token, public, [alg, "HS256"]), {"audience": "api", "issuer": "covet-tests"}),
            ((token, public, (alg,)), {"audience": "api", "issuer": ["a", "covet-tests"]}),
            ((token, public, [alg]), {"audience": "api", "subject": "user-42", "leeway": 5}),
            ((token, public, [alg]), {"audience": "api", "leeway": datetime.timedelta(seconds=3)}),
            ((token, public, [alg]), {"options": {"verify_aud": False}}),
            ((token, public, [alg]), {"audience": "api", "options": {"require": ["exp", "iat"]}}),
            ((token,), {"options": {"verify_signature": False}}),
            ((token, None, None, {"verify_signature": False}), {}),
            ((token, public, [alg]), {"audience": "api", "max_token_bytes": len(token)}),
        ]
        if alg not in HS_ALGS:
            pair = keys.get(ALG_KEY[alg])
            out.append(((token, backend.sync.jwt.Key.from_pem(public), [alg]), {"audience": "api"}))
            out.append(((token, pair.public_jwk, [alg]), {"audience": "api"}))
            out.append(((token, pair.private_pkcs8_pem, [alg]), {"audience": "api"}))
            if pair.certificate_pem is not None:
                out.append(((token, pair.certificate_pem, [alg]), {"audience": "api"}))
        return out

    async def main() -> None:
        for alg in (*HS_ALGS, *ASYM_ALGS):
            private, public = signing_keys(keys, alg)
            token = backend.sync.jwt.encode(CLAIMS, private, alg, {"kid": "k1"})
            for args, kwargs in variants(token, alg, public):
                for name in ("jwt_decode", "jwt_decode_complete"):
                    expected = backend.sync_form(name)(*args, **kwargs)
                    got = await getattr(backend.aio, name)(*args, **kwargs)
                    assert got == expected, f"{name} {alg} {short(args)[:80]} {kwargs}"

    asyncio.run(main())


# --- 2. Exceptions equal the sync forms -------------------------------------------------------


def blake3_error_cases(backend: AioBackend) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    small = b"abc"
    big = pattern(scale(backend).offloaded)  # offloaded natively once the checks pass
    released = memoryview(b"abc")
    released.release()
    strided = memoryview(bytearray(200_000))[::2]
    return [
        ("str data", ("text",), {}),
        ("int data", (5,), {}),
        ("None data", (None,), {}),
        ("list data", ([1, 2],), {}),
        ("non-contiguous memoryview", (strided,), {}),
        ("released memoryview", (released,), {}),
        ("short key", (small,), {"key": b"short"}),
        ("long key, big data", (big,), {"key": bytes(33)}),
        ("str key", (small,), {"key": "k" * 32}),
        ("int key", (small,), {"key": 5}),
        ("strided key", (small,), {"key": memoryview(bytes(64))[::2]}),
        ("key and context", (small,), {"key": KEY32, "derive_key_context": CONTEXT}),
        ("key and context, big", (big,), {"key": KEY32, "derive_key_context": CONTEXT}),
        ("bytes context", (small,), {"derive_key_context": b"ctx"}),
        ("surrogate context", (small,), {"derive_key_context": "\ud800"}),
        ("max_threads=0", (small,), {"max_threads": 0}),
        ("max_threads=0, big", (big,), {"max_threads": 0}),
        ("max_threads=-2", (big,), {"max_threads": -2}),
        ("max_threads float", (small,), {"max_threads": 1.5}),
        ("max_threads None", (big,), {"max_threads": None}),
        ("max_threads huge", (big,), {"max_threads": 2**70}),
        ("negative length", (small,), {"length": -1}),
        ("length too big for u64", (small,), {"length": 2**64}),
        ("str length", (small,), {"length": "3"}),
        ("negative seek", (small,), {"seek": -1}),
        ("seek too big", (big,), {"seek": 2**64}),
        ("unallocatable length", (small,), {"length": 2**62}),
        ("several bad options", ("text",), {"key": b"x", "max_threads": 0, "length": -1}),
        ("bad data and bad options", (5,), {"derive_key_context": 5, "seek": -1}),
    ]


def test_blake3_errors_match_sync(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    cases = blake3_error_cases(backend)

    async def main() -> None:
        for label, args, kwargs in cases:
            for name in ("blake3_digest", "blake3_hexdigest"):
                expected = sync_outcome(backend.sync_form(name), *args, **kwargs)
                assert expected[0] == "raised", f"{name} {label}: the case must be an error"
                got = await aio_outcome(getattr(backend.aio, name), *args, **kwargs)
                assert got == expected, f"{name} {label}"

    asyncio.run(main())


def test_blake3_file_errors_match_sync(impl: ModuleType, tmp_path: Path) -> None:
    backend = aio_backend(impl)
    regular = tmp_path / "regular.bin"
    regular.write_bytes(b"covet")
    missing = tmp_path / "missing.bin"
    cases: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("missing Path", (missing,), {}),
        ("missing str", (str(missing),), {}),
        ("missing bytes", (os.fsencode(missing),), {}),
        ("empty path", ("",), {}),
        ("directory", (tmp_path,), {}),
        ("directory str", (str(tmp_path),), {}),
        ("file as a directory", (regular / "below",), {}),
        ("NUL in path", ("bad\0name",), {}),
        ("int path", (3,), {}),
        ("None path", (None,), {}),
        ("float path", (1.5,), {}),
        ("short key", (regular,), {"key": b"x"}),
        ("short key, missing file", (missing,), {"key": b"x"}),
        ("max_threads=0, missing file", (missing,), {"max_threads": 0}),
        ("key and context", (regular,), {"key": KEY32, "derive_key_context": CONTEXT}),
        ("negative length", (regular,), {"length": -1}),
    ]

    async def main() -> None:
        for label, args, kwargs in cases:
            expected = sync_outcome(backend.sync.hashing.blake3_file, *args, **kwargs)
            assert expected[0] == "raised", label
            got = await aio_outcome(backend.aio.blake3_file, *args, **kwargs)
            assert got == expected, label

        # The missing file is a FileNotFoundError naming the path, on both forms.
        for path in (missing, str(missing), os.fsencode(missing)):
            with pytest.raises(FileNotFoundError) as caught:
                await backend.aio.blake3_file(path)
            # The native side keeps the object given, the twin its os.fspath(): both name it.
            assert os.fspath(caught.value.filename) == os.fspath(path)
            assert os.fsdecode(os.fspath(path)) in str(caught.value)

    asyncio.run(main())


def jwt_error_cases(
    backend: AioBackend, keys: Keys
) -> list[tuple[str, str, tuple[Any, ...], dict[str, Any]]]:
    rs_private, rs_public = signing_keys(keys, "RS256")
    other_public = keys.rsa2048_other.public_spki_pem
    sync = backend.sync
    hs = sync.jwt.encode(CLAIMS, SECRET)
    rs = sync.jwt.encode(CLAIMS, rs_private, "RS256", {"kid": "k1"})
    expired_rs = sync.jwt.encode({"sub": "x", "exp": LONG_AGO}, rs_private, "RS256")
    expired_hs = sync.jwt.encode({"sub": "x", "exp": LONG_AGO}, SECRET)
    immature_rs = sync.jwt.encode({"nbf": FAR_FUTURE}, rs_private, "RS256")
    es = sync.jwt.encode(CLAIMS, keys.p256.private_pkcs8_pem, "ES256")
    ps = sync.jwt.encode(CLAIMS, rs_private, "PS256")
    ed = sync.jwt.encode(CLAIMS, keys.ed25519.private_pkcs8_pem, "EdDSA")
    header = {"alg": "RS256", "typ": "JWT"}
    not_json = rs256_token(keys, header, b"not json")
    a_list = rs256_token(keys, header, b"[1, 2]")
    bad_utf8 = rs256_token(keys, header, b"\xff\xfe")
    exp_text = rs256_token(keys, header, b'{"exp": "soon"}')
    repeated = rs256_token(keys, header, b'{"a": 1, "a": 2}')
    crit = rs256_token(keys, {**header, "crit": ["x"]}, b"{}")
    jwks = {"keys": [{**keys.rsa2048.public_jwk, "kid": "other-kid"}]}
    with_kid = {**keys.rsa2048.public_jwk, "kid": "k1", "alg": "RS512"}
    encode = "jwt_encode"
    decode = "jwt_decode"
    api = {"audience": "api"}
    return [
        # encode
        ("payload list", encode, ([1], SECRET), {}),
        ("payload not serialisable", encode, ({"a": object()}, SECRET), {}),
        ("payload not serialisable, RS256", encode, ({"a": object()}, rs_private, "RS256"), {}),
        ("unknown algorithm", encode, (CLAIMS, SECRET, "HS999"), {}),
        ("algorithm not a str", encode, (CLAIMS, SECRET, 5), {}),
        ("key None", encode, (CLAIMS, None), {}),
        ("key int", encode, (CLAIMS, 5, "RS256"), {}),
        ("empty HMAC key", encode, (CLAIMS, b""), {}),
        ("PEM as HMAC secret", encode, (CLAIMS, rs_public, "HS256"), {}),
        ("not PEM", encode, (CLAIMS, "not pem", "RS256"), {}),
        ("public key signs", encode, (CLAIMS, rs_public, "RS256"), {}),
        ("EC key for RS256", encode, (CLAIMS, keys.p256.private_pkcs8_pem, "RS256"), {}),
        ("P-384 key for ES256", encode, (CLAIMS, keys.p384.private_pkcs8_pem, "ES256"), {}),
        ("RSA 1024", encode, (CLAIMS, keys.rsa1024.private_pkcs8_pem, "RS256"), {}),
        ("encrypted PEM", encode, (CLAIMS, keys.encrypted_rsa_pem, "RS256"), {}),
        ("PSS-restricted key", encode, (CLAIMS, keys.rsa_pss_private_pem, "PS256"), {}),
        ("Ed448 key", encode, (CLAIMS, keys.ed448.private_pkcs8_pem, "EdDSA"), {}),
        ("kid not a str", encode, (CLAIMS, SECRET, "HS256", {"kid": 1}), {}),
        ("headers a list", encode, (CLAIMS, rs_private, "RS256", [1]), {}),
        ("JWK set signs", encode, (CLAIMS, jwks, "RS256"), {}),
        # decode: arguments
        ("algorithms missing, HS", decode, (hs, SECRET), {}),
        ("algorithms missing, RS", decode, (rs, rs_public), {}),
        ("algorithms a str", decode, (rs, rs_public, "RS256"), {}),
        ("options not a dict", decode, (rs, rs_public, ["RS256"]), {"options": 5}),
        ("leeway a str", decode, (rs, rs_public, ["RS256"]), {"leeway": "x"}),
        ("audience an int", decode, (rs, rs_public, ["RS256"]), {"audience": 5}),
        ("key None verifying", decode, (rs, None, ["RS256"]), {}),
        ("key not PEM", decode, (rs, "not pem", ["RS256"]), {}),
        ("token an int", decode, (5, rs_public, ["RS256"]), {}),
        ("token too long", decode, (rs, rs_public, ["RS256"]), {"max_token_bytes": 10}),
        # decode: bad tokens
        ("garbage", decode, ("garbage", rs_public, ["RS256"]), {}),
        ("empty token", decode, ("", rs_public, ["RS256"]), {}),
        ("two segments", decode, ("a.b", rs_public, ["RS256"]), {}),
        ("a.b.c", decode, ("a.b.c", rs_public, ["RS256"]), {}),
        ("signature padding", decode, (rs + "x", rs_public, ["RS256"]), {}),
        ("truncated", decode, (rs[:-5], rs_public, ["RS256"]), {}),
        ("payload not JSON", decode, (not_json, rs_public, ["RS256"]), {}),
        ("payload a list", decode, (a_list, rs_public, ["RS256"]), {}),
        ("payload not UTF-8", decode, (bad_utf8, rs_public, ["RS256"]), {}),
        ("payload repeats a key", decode, (repeated, rs_public, ["RS256"]), {}),
        ("crit header", decode, (crit, rs_public, ["RS256"]), {}),
        ("exp not a number", decode, (exp_text, rs_public, ["RS256"]), {}),
        ("payload not JSON, wrong key", decode, (not_json, other_public, ["RS256"]), {}),
        ("payload a list, wrong key", decode, (a_list, other_public, ["RS256"]), {}),
        # decode: signatures (HS inline, the others offloaded)
        ("wrong HMAC secret", decode, (hs, OTHER_SECRET, ["HS256"]), {"audience": "api"}),
        ("wrong RSA key", decode, (rs, other_public, ["RS256"]), {"audience": "api"}),
        ("wrong RSA key, PS256", decode, (ps, other_public, ["PS256"]), {"audience": "api"}),
        ("wrong EC key", decode, (es, keys.p256_other.public_spki_pem, ["ES256"]), {}),
        ("wrong Ed25519 key", decode, (ed, keys.ed25519_other.public_spki_pem, ["EdDSA"]), {}),
        ("alg not allowed", decode, (rs, rs_public, ["HS256"]), {}),
        ("RS token, HMAC secret", decode, (rs, SECRET, ["RS256", "HS256"]), {}),
        ("JWK alg mismatch", decode, (rs, with_kid, ["RS256"]), {"audience": "api"}),
        ("JWK set, unknown kid", decode, (rs, jwks, ["RS256"]), {"audience": "api"}),
        # decode: claims (checked after an offloaded signature check, natively)
        ("expired, RS", decode, (expired_rs, rs_public, ["RS256"]), {}),
        ("expired, HS", decode, (expired_hs, SECRET, ["HS256"]), {}),
        ("expired and wrong key", decode, (expired_rs, other_public, ["RS256"]), {}),
        ("immature", decode, (immature_rs, rs_public, ["RS256"]), {}),
        ("audience expected, none asked", decode, (rs, rs_public, ["RS256"]), {}),
        ("audience mismatch", decode, (rs, rs_public, ["RS256"]), {"audience": "other"}),
        ("issuer mismatch", decode, (rs, rs_public, ["RS256"]), {**api, "issuer": "x"}),
        ("subject mismatch", decode, (rs, rs_public, ["RS256"]), {**api, "subject": "y"}),
        (
            "required claim missing",
            decode,
            (rs, rs_public, ["RS256"]),
            {"audience": "api", "options": {"require": ["jti"]}},
        ),
        ("leeway too small", decode, (expired_rs, rs_public, ["RS256"]), {"leeway": 10}),
    ]


def test_jwt_errors_match_sync(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    keys = material()
    cases = jwt_error_cases(backend, keys)

    async def main() -> None:
        for label, name, args, kwargs in cases:
            names = [name] if name == "jwt_encode" else ["jwt_decode", "jwt_decode_complete"]
            for function in names:
                expected = sync_outcome(backend.sync_form(function), *args, **kwargs)
                assert expected[0] == "raised", f"{function} {label}: the case must be an error"
                got = await aio_outcome(getattr(backend.aio, function), *args, **kwargs)
                assert got == expected, f"{function} {label}"

    asyncio.run(main())


def test_argument_errors_raise_when_awaited_not_when_called(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any], type[BaseException]]] = [
        ("blake3_digest", ("text",), {}, TypeError),
        ("blake3_hexdigest", (b"x",), {"max_threads": 0}, ValueError),
        ("blake3_file", (None,), {}, TypeError),
        ("jwt_encode", ([1], SECRET), {}, TypeError),
        ("jwt_decode", ("x.y.z", SECRET, "HS256"), {}, TypeError),
        ("jwt_decode_complete", ("x.y.z", SECRET, ["HS256"]), {"options": 5}, TypeError),
    ]

    async def main() -> None:
        for name, args, kwargs, error in calls:
            coroutine = getattr(backend.aio, name)(*args, **kwargs)  # must not raise
            assert inspect.iscoroutine(coroutine), name
            with pytest.raises(error):
                await coroutine

    # Not even a running loop is needed to call them.
    outside = backend.aio.blake3_digest("text")
    with pytest.raises(TypeError, match="Strings must be encoded before hashing"):
        asyncio.run(outside)
    asyncio.run(main())


def test_call_signature_errors_are_type_errors(impl: ModuleType) -> None:
    """Wrong arity or unknown keywords: a TypeError from both forms (the coroutine function's
    at the call). Only the type is held equal: the wording differs, PyO3's "takes 1 positional
    arguments" natively and the twin's sync names (``encode()``) against ``jwt_encode()``."""
    backend = aio_backend(impl)
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("blake3_digest", (), {}),
        ("blake3_digest", (b"a", b"b"), {}),
        ("blake3_file", ("/x", "y"), {}),
        ("blake3_hexdigest", (b"a",), {"bogus": 1}),
        ("blake3_file", ("/x",), {"bogus": 1}),
        ("jwt_encode", ({},), {}),
        ("jwt_encode", ({}, SECRET, "HS256", None, 5), {}),
        ("jwt_decode", (), {}),
        ("jwt_decode_complete", ("t",), {"bogus": 1}),
    ]

    async def main() -> None:
        for name, args, kwargs in calls:
            expected = sync_outcome(backend.sync_form(name), *args, **kwargs)
            try:  # a Python coroutine function checks its signature when called
                got = ("ok", await getattr(backend.aio, name)(*args, **kwargs))
            except TypeError as error:
                got = describe(error)
            assert expected[:2] == got[:2] == ("raised", TypeError), (name, args, kwargs)

    asyncio.run(main())


def test_unrepresentable_digest_length_error_matches_sync(impl: ModuleType) -> None:
    """Lengths no ``bytes`` can have: CPython's OverflowError "byte string is too large" from
    every form (the native sync form raised SystemError for lengths from 2**63, the awaitable
    a bare MemoryError)."""
    backend = aio_backend(impl)

    async def main() -> None:
        for length in (2**63 - 1, 2**63, 2**64 - 1):
            for data in (b"a", pattern(scale(backend).offloaded)):
                for name in ("blake3_digest", "blake3_hexdigest"):
                    expected = sync_outcome(backend.sync_form(name), data, length=length)
                    got = await aio_outcome(getattr(backend.aio, name), data, length=length)
                    assert got == expected, f"{name} length={length} data={len(data)} bytes"

    asyncio.run(main())


# --- 3. Cancellation leaks nothing ------------------------------------------------------------


def measure_rounds(
    rounds: int, one_round: Callable[[], Coroutine[Any, Any, tuple[int, int]]], *, trace: bool
) -> tuple[list[tuple[int, int]], int, int]:
    """``asyncio.run(one_round())`` ``rounds`` times: each round's samples, and how much the
    traced Python memory (if ``trace``) and the RSS grew from the end of the first (warm-up)
    round."""
    started_tracing = trace and not tracemalloc.is_tracing()
    if started_tracing:
        tracemalloc.start()
    try:
        samples = [asyncio.run(one_round())]  # warm-up: runtime, pools, caches
        gc.collect()
        traced_after_warmup = tracemalloc.get_traced_memory()[0]
        rss_after_warmup = rss_bytes()
        for _ in range(rounds - 1):
            samples.append(asyncio.run(one_round()))
        gc.collect()
        traced_growth = tracemalloc.get_traced_memory()[0] - traced_after_warmup
        rss_growth = rss_bytes() - rss_after_warmup
    finally:
        if started_tracing:
            tracemalloc.stop()
    return samples, traced_growth, rss_growth


def test_cancelling_a_thousand_tasks_leaks_no_thread_memory_or_reference(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    linux_only()
    s = scale(backend)
    keys = material()
    rs_private, _ = signing_keys(keys, "RS256")
    shared = pattern(s.shared_input, 6)
    digest = backend.sync.hashing.blake3_digest(shared)
    digest_auto = backend.sync.hashing.blake3_digest(shared, max_threads=backend.sync.hashing.AUTO)
    tokens = [
        backend.sync.jwt.encode({"i": i}, rs_private, "RS256") for i in range(s.rs256_per_round)
    ]
    baseline_threads = len(thread_names())
    # Threads the backend may add, whatever the number of tasks: native, one worker and one
    # delivery thread per CPU plus BLAKE3's bounded pools; twin, the default executor.
    thread_bound = baseline_threads + 2 * cpus() + sum(range(2, cpus() + 1)) + min(32, cpus() + 4)

    async def one_round() -> tuple[int, int]:
        base_refs = sys.getrefcount(shared)
        tasks: list[asyncio.Task[Any]] = [
            asyncio.create_task(backend.aio.blake3_digest(shared)) for _ in range(s.tasks)
        ]
        tasks += [
            asyncio.create_task(
                backend.aio.blake3_digest(shared, max_threads=backend.sync.hashing.AUTO)
            )
            for _ in range(4)
        ]
        tasks += [
            asyncio.create_task(backend.aio.jwt_encode({"i": i}, rs_private, "RS256"))
            for i in range(s.rs256_per_round)
        ]
        # Some finish, some are running on a worker, most are queued: cancel them all.
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        peak = len(thread_names())
        for task in tasks:
            task.cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        cancelled = 0
        expected = [digest] * s.tasks + [digest_auto] * 4 + tokens
        for index, outcome in enumerate(outcomes):
            if isinstance(outcome, asyncio.CancelledError):
                cancelled += 1
            else:
                assert outcome == expected[index], f"task {index}: {short(outcome)}"
        assert cancelled > 0
        # The tasks (their exceptions' tracebacks hold the coroutines' frames) go first.
        del tasks, outcomes
        assert await poll_until(backend, lambda: sys.getrefcount(shared) == base_refs), (
            f"{sys.getrefcount(shared) - base_refs} references to the shared input remain"
        )
        return peak, len(thread_names())

    # tracemalloc slows the twin's pure-Python BLAKE3 several hundredfold: RSS only there.
    samples, traced_growth, rss_growth = measure_rounds(s.rounds, one_round, trace=backend.native)
    warm_after = samples[0][1]
    for round_index, (peak, after) in enumerate(samples):
        assert peak <= thread_bound, f"round {round_index}: {peak} threads while in flight"
        assert after <= thread_bound, f"round {round_index}: {after} threads after"
        # Not growing between rounds: at most the delivery threads the warm-up let go.
        assert after <= warm_after + cpus(), f"round {round_index}: {after} > {warm_after}"
    if backend.native:
        assert thread_names().count("covet-aio") <= 2 * cpus()
    # Generous: a leak per task would be at least tasks * rounds allocations (the shared
    # input alone is 1 MiB natively), far over these bounds.
    assert traced_growth < 2 << 20, f"traced Python memory grew by {traced_growth} bytes"
    # Under AddressSanitizer (.ci/asan) the RSS measures ASan's quarantine and red zones,
    # not a leak (tests/support/asan.py); the traced Python memory is still checked.
    if not UNDER_ASAN:
        assert rss_growth < 64 << 20, f"RSS grew by {rss_growth} bytes"


def test_cancelled_bytearray_hash_releases_its_buffer_export(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    s = scale(backend)
    size = s.offloaded
    busy = pattern(size, 7)

    async def main() -> None:
        # Workers busy with other hashes: ours is queued or running when cancelled.
        others = [asyncio.create_task(backend.aio.blake3_digest(busy)) for _ in range(2 * cpus())]
        buffers = [bytearray(pattern(size, 8)) for _ in range(3)]
        tasks = [asyncio.create_task(backend.aio.blake3_digest(buffer)) for buffer in buffers]
        await asyncio.sleep(0)
        for task in tasks:
            task.cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(
            isinstance(o, asyncio.CancelledError)
            or o == backend.sync.hashing.blake3_digest(bytes(b))
            for o, b in zip(outcomes, buffers, strict=True)
        )
        del tasks, outcomes

        def resizable(buffer: bytearray) -> bool:
            try:
                buffer.extend(b"!")
            except BufferError:
                return False
            return True

        for index, buffer in enumerate(buffers):
            assert await poll_until(backend, functools.partial(resizable, buffer)), (
                f"buffer {index} still exported after its hash was cancelled"
            )
            assert len(buffer) == size + 1
        assert await asyncio.gather(*others) == [backend.sync.hashing.blake3_digest(busy)] * len(
            others
        )

    asyncio.run(main())


# --- 4. Several loops; uvloop -----------------------------------------------------------------


@dataclass(frozen=True)
class Mix:
    """A mixture of calls of every kind, with the results the sync forms give."""

    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]
    expected: list[Any]


def make_mix(backend: AioBackend, tmp_path: Path, salt: int) -> Mix:
    s = scale(backend)
    keys = material()
    file = tmp_path / f"mix-{salt}.bin"
    file.write_bytes(pattern(s.loop_mix_large, salt))
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("blake3_digest", (pattern(100, salt),), {}),
        ("blake3_digest", (pattern(s.loop_mix_large, salt),), {}),
        ("blake3_hexdigest", (bytearray(pattern(s.offloaded, salt)),), {"key": KEY32}),
        ("blake3_digest", (b"x",), {"length": 70_000, "seek": salt}),
        ("blake3_hexdigest", (b"y",), {"length": s.xof_length, "seek": salt}),
        ("blake3_file", (file,), {}),
        ("blake3_file", (str(file),), {"derive_key_context": CONTEXT}),
    ]
    for alg in ("HS256", "RS256", "EdDSA"):
        private, _ = signing_keys(keys, alg)
        calls.append(("jwt_encode", ({**CLAIMS, "salt": salt}, private, alg), {}))
    for alg in ("HS384", "RS256", "PS256", "ES256", "EdDSA"):
        private, public = signing_keys(keys, alg)
        token = backend.sync.jwt.encode({**CLAIMS, "salt": salt}, private, alg)
        calls.append(("jwt_decode", (token, public, [alg]), {"audience": "api"}))
        calls.append(("jwt_decode_complete", (token, public, [alg]), {"audience": "web"}))
    expected = [backend.sync_form(name)(*args, **kwargs) for name, args, kwargs in calls]
    return Mix(calls, expected)


async def run_mix(backend: AioBackend, mix: Mix) -> list[Any]:
    """The mixture one by one, then all at once; both result lists, concatenated."""
    loop = asyncio.get_running_loop()
    one_by_one = []
    for name, args, kwargs in mix.calls:
        one_by_one.append(await getattr(backend.aio, name)(*args, **kwargs))
        assert asyncio.get_running_loop() is loop
    together = await asyncio.gather(
        *(getattr(backend.aio, name)(*args, **kwargs) for name, args, kwargs in mix.calls)
    )
    return [*one_by_one, *together]


def test_three_event_loops_in_three_threads(impl: ModuleType, tmp_path: Path) -> None:
    backend = aio_backend(impl)
    mixes = [make_mix(backend, tmp_path, salt) for salt in range(3)]

    def work(index: int) -> list[Any]:
        return asyncio.run(run_mix(backend, mixes[index]))

    for _ in range(2):
        results = run_threads(3, work)
        for index, got in enumerate(results):
            assert got == mixes[index].expected * 2, f"thread {index}"


def test_under_uvloop(impl: ModuleType, tmp_path: Path) -> None:
    backend = aio_backend(impl)
    uvloop = pytest.importorskip("uvloop", reason="uvloop is not installed in this environment")
    mix = make_mix(backend, tmp_path, 9)
    big = pattern(scale(backend).offloaded, 10)

    async def main() -> list[Any]:
        results = await run_mix(backend, mix)
        tasks = [asyncio.create_task(backend.aio.blake3_digest(big)) for _ in range(8)]
        await asyncio.sleep(0)
        for task in tasks[::2]:
            task.cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(
            isinstance(o, asyncio.CancelledError) or o == backend.sync.hashing.blake3_digest(big)
            for o in outcomes
        )
        return results

    def run_on_uvloop(coroutine: Coroutine[Any, Any, list[Any]]) -> list[Any]:
        loop = uvloop.new_event_loop()
        try:
            return list(loop.run_until_complete(coroutine))
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    assert run_on_uvloop(main()) == mix.expected * 2

    def work(index: int) -> list[Any]:
        return run_on_uvloop(run_mix(backend, mix))

    assert run_threads(2, work) == [mix.expected * 2] * 2


# --- 5. The loop keeps running (native) --------------------------------------------------------

MIN_TICKS: Final = 10


async def ticks_while(awaitable: Awaitable[Any]) -> tuple[Any, int]:
    """Await ``awaitable`` while a ticker task counts its own turns on the loop; the result
    and how many turns the ticker had had when the awaitable completed."""
    ticks = 0
    stop = False

    async def ticker() -> None:
        nonlocal ticks
        while not stop:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    try:
        result = await awaitable
        at_completion = ticks
    finally:
        stop = True
        await task
    return result, at_completion


async def most_ticks_while(make: Callable[[], Awaitable[Any]], expected: Any) -> int:
    """``ticks_while(make())`` again and again until the ticker has had MIN_TICKS turns
    during one awaitable, or until POLL_GUARD_SECONDS have passed; the most turns seen.
    Each result must be ``expected``. A loop that is blocked while the work runs gives the
    ticker a turn or two at most, every time; a loop that is free gives it many, unless the
    machine's load keeps the loop's thread off the cores for the whole of the work, which
    the next try outlives: load changes how many tries it takes, never the verdict."""
    give_up_at = time.monotonic() + POLL_GUARD_SECONDS
    most = 0
    while True:
        result, ticks = await ticks_while(make())
        assert result == expected
        most = max(most, ticks)
        if most >= MIN_TICKS or time.monotonic() > give_up_at:
            return most


def test_loop_keeps_running_during_a_256_mib_hash(impl: ModuleType, tmp_path: Path) -> None:
    backend = aio_backend(impl)
    native_only(backend, "the twin computes with the GIL held; 256 MiB would take minutes")
    size = 256 << 20
    data = bytes(size)
    sparse = tmp_path / "sparse.bin"
    with sparse.open("wb") as handle:
        handle.truncate(size)
    expected = backend.sync.hashing.blake3_digest(data)

    async def main() -> None:
        ticks = await most_ticks_while(lambda: backend.aio.blake3_digest(data), expected)
        assert ticks >= MIN_TICKS, f"the ticker ran {ticks} times while 256 MiB were hashed"
        ticks = await most_ticks_while(lambda: backend.aio.blake3_file(sparse), expected)
        assert ticks >= MIN_TICKS, f"the ticker ran {ticks} times while the file was hashed"

    asyncio.run(main())


def test_loop_keeps_running_during_a_batch_of_rs256_signatures(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    native_only(backend, "the twin's work holds the GIL; this checks that the loop is freed")
    keys = material()
    private, public = signing_keys(keys, "RS256")
    payloads = [{**CLAIMS, "n": n} for n in range(64)]
    expected = [backend.sync.jwt.encode(p, private, "RS256") for p in payloads]
    token = expected[0]

    async def main() -> None:
        def signs() -> Awaitable[list[str]]:
            return asyncio.gather(*(backend.aio.jwt_encode(p, private, "RS256") for p in payloads))

        ticks = await most_ticks_while(signs, expected)
        assert ticks >= MIN_TICKS, f"the ticker ran {ticks} times during 64 RS256 signatures"
        # At least one turn by construction (ticks_while lets the ticker in before it
        # awaits): this checks that verifying runs and the loop delivers the results.
        verifies = asyncio.gather(
            *(backend.aio.jwt_decode(token, public, ["RS256"], audience="api") for _ in range(64))
        )
        claims, ticks = await ticks_while(verifies)
        assert claims == [payloads[0]] * 64
        assert ticks >= 1, "the ticker never ran during 64 RS256 verifications"

    asyncio.run(main())


# --- 6. fork (native) --------------------------------------------------------------------------

FORK_SCRIPT: Final = textwrap.dedent(
    r"""
    import asyncio, json, os, signal, sys, threading, time, traceback
    from covet_rust_core import _aio_native as aio, _native as native

    KEY = sys.stdin.read()
    data = bytes(range(256)) * 4096          # 1 MiB: offloaded
    big = data * 8                           # 8 MiB: BLAKE3's own threads with AUTO
    expected = native.hashing.blake3_digest(data)
    expected_big = native.hashing.blake3_digest(big)
    token = native.jwt.encode({"sub": "fork"}, KEY, "RS256")

    def comms():
        names = []
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/comm") as handle:
                    names.append(handle.read().strip())
            except OSError:
                pass
        return names

    def checks():
        ok = asyncio.run(aio.blake3_digest(data)) == expected
        ok = ok and asyncio.run(aio.blake3_digest(big, max_threads=-1)) == expected_big
        ok = ok and asyncio.run(aio.jwt_encode({"sub": "fork"}, KEY, "RS256")) == token
        ok = ok and native.hashing.blake3_digest(big, max_threads=-1) == expected_big
        return ok and "covet-aio" in comms()   # the child built a runtime of its own

    def child(in_a_thread):
        code = 1
        try:
            if in_a_thread:
                # Forked inside a running loop, which asyncio does not support running on:
                # a fresh loop in a fresh thread.
                box = []
                thread = threading.Thread(target=lambda: box.append(checks()))
                thread.start()
                thread.join(240)
                code = 0 if box == [True] else 1
            else:
                code = 0 if checks() else 1
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def wait(pid):
        # A hang guard only, generous for a loaded machine (SUBPROCESS_TIMEOUT is 600 s).
        deadline = time.monotonic() + 280
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return f"exit {os.waitstatus_to_exitcode(status)}"
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return "hung: killed after 280 s"
            time.sleep(0.02)

    async def warm_up():
        assert await aio.blake3_digest(data) == expected
        assert await aio.blake3_digest(big, max_threads=-1) == expected_big
        assert await aio.jwt_encode({"sub": "fork"}, KEY, "RS256") == token

    async def fork_with_pending():
        tasks = [asyncio.create_task(aio.blake3_digest(big)) for _ in range(4)]
        tasks.append(asyncio.create_task(aio.jwt_encode({"sub": "fork"}, KEY, "RS256")))
        await asyncio.sleep(0)
        pid = os.fork()
        if pid == 0:
            child(in_a_thread=True)
        outcomes = await asyncio.gather(*tasks)
        pending_ok = outcomes == [expected_big] * 4 + [token]
        return pending_ok, await asyncio.get_running_loop().run_in_executor(None, wait, pid)

    results = {}
    asyncio.run(warm_up())
    results["runtime_started"] = "covet-aio" in comms()
    pid = os.fork()
    if pid == 0:
        child(in_a_thread=False)
    results["quiet_fork"] = wait(pid)
    results["pending_in_parent_ok"], results["fork_with_pending"] = asyncio.run(
        fork_with_pending()
    )
    results["parent_after"] = asyncio.run(aio.blake3_digest(data)) == expected
    print(json.dumps(results))
    sys.stdout.flush()
    # Only fork is under test here: interpreter exit has its own tests.
    os._exit(0)
    """
)


def test_fork_after_the_runtime_started(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    native_only(backend, "the twin has no runtime of its own (asyncio.to_thread)")
    linux_only()
    if not hasattr(os, "fork"):
        pytest.skip("POSIX only: os.fork")
    completed = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", FORK_SCRIPT],
        input=material().rsa2048.private_pkcs8_pem,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    assert results == {
        "runtime_started": True,
        "quiet_fork": "exit 0",
        "pending_in_parent_ok": True,
        "fork_with_pending": "exit 0",
        "parent_after": True,
    }, completed.stderr


# --- 7. Inputs kept alive ----------------------------------------------------------------------


def _extend(obj: Any) -> None:
    obj.extend(b"!")


def _append(obj: Any) -> None:
    obj.append(1)


def _close(obj: Any) -> None:
    obj.close()


def _release(obj: Any) -> None:
    obj.release()


def _filled_mmap(data: bytes) -> mmap.mmap:
    mapped = mmap.mmap(-1, len(data))
    mapped.write(data)
    return mapped


KEPT_ALIVE_KINDS: Final[dict[str, tuple[Callable[[bytes], Any], Callable[[Any], None]]]] = {
    "bytearray resized": (bytearray, _extend),
    "array resized": (lambda data: array.array("B", data), _append),
    "memoryview released": (lambda data: memoryview(bytearray(data)), _release),
    "mmap closed": (_filled_mmap, _close),
}


def _start(coroutine: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
    """Run ``coroutine`` up to its first suspension: the call into the backend is made and
    the future it waits on is returned (still pending: only the loop completes it, and the
    twin's worker waits for a GatedExecutor's gate)."""
    future = coroutine.send(None)
    assert isinstance(future, asyncio.Future)
    assert not future.done()
    return future


P = ParamSpec("P")
T = TypeVar("T")


class GatedExecutor(concurrent.futures.ThreadPoolExecutor):
    """A loop's default executor (the one ``asyncio.to_thread`` uses) whose worker starts a
    job only once ``gate`` is set. The twin's hash is then surely pending until the test
    opens the gate, however the threads are scheduled: otherwise the worker may finish it
    while the loop's thread waits for the worker thread to start, and from CPython 3.14
    asyncio completes the chained future at once, so the coroutine never suspends."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="covet-gated")
        self.gate = threading.Event()

    def submit(
        self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> concurrent.futures.Future[T]:
        def gated() -> T:
            if not self.gate.wait(JOIN_TIMEOUT):
                raise TimeoutError("the test never opened the gate")
            return fn(*args, **kwargs)

        return super().submit(gated)


def _finish(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """The result of a coroutine whose awaited future is done."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the coroutine awaited a second time")


@pytest.mark.parametrize("kind", list(KEPT_ALIVE_KINDS))
def test_buffer_cannot_be_resized_while_its_hash_is_pending(impl: ModuleType, kind: str) -> None:
    backend = aio_backend(impl)
    make, mutate = KEPT_ALIVE_KINDS[kind]
    data = pattern(scale(backend).offloaded, 11)
    expected = backend.sync.hashing.blake3_digest(data)
    obj = make(data)

    async def main() -> None:
        executor = GatedExecutor()
        asyncio.get_running_loop().set_default_executor(executor)
        coroutine = backend.aio.blake3_digest(obj)
        try:
            # Natively, the extension's worker needs the GIL to release the export or to
            # deliver the result: holding it keeps the hash pending. The twin's worker waits
            # for the gate.
            with gil_kept():
                future = _start(coroutine)
                with pytest.raises(BufferError):
                    mutate(obj)
        finally:
            executor.gate.set()
        await asyncio.wait([future])
        assert _finish(coroutine) == expected
        mutate(obj)  # allowed once the work is done

    try:
        asyncio.run(main())
    finally:
        if isinstance(obj, mmap.mmap) and not obj.closed:
            obj.close()


def test_bytes_dropped_by_the_caller_still_hash_correctly(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    size = scale(backend).offloaded
    expected = [backend.sync.hashing.blake3_digest(pattern(size, salt)) for salt in range(4)]

    async def main() -> list[bytes]:
        # The only references to each input are the ones the awaitables hold.
        tasks = [asyncio.create_task(backend.aio.blake3_digest(pattern(size, i))) for i in range(4)]
        await asyncio.sleep(0)
        gc.collect()
        return list(await asyncio.gather(*tasks))

    assert asyncio.run(main()) == expected

    if backend.native:
        # The extension's own future holds the bytes, not only the coroutine's frame.
        async def raw() -> None:
            data = pattern(size, 12)
            before = sys.getrefcount(data)
            with gil_kept():
                future = backend.sync.aio.blake3_digest(data)
                held = sys.getrefcount(data) - before
            del data
            gc.collect()
            assert held >= 1
            assert await future == backend.sync.hashing.blake3_digest(pattern(size, 12))

        asyncio.run(raw())


def test_jwt_payload_may_change_once_the_call_is_made(impl: ModuleType) -> None:
    """docs/AIO.md: natively, jwt_encode serialises the payload when the coroutine starts, on
    the loop, so changes made after its first step are not signed."""
    backend = aio_backend(impl)
    native_only(backend, "the twin serialises the payload in its worker thread (docs/AIO.md)")
    keys = material()

    async def main() -> None:
        for alg in ("HS256", "RS256"):
            private, public = signing_keys(keys, alg)
            payload = {"sub": "before"}
            coroutine = backend.aio.jwt_encode(payload, private, alg)
            try:
                future = coroutine.send(None)
            except StopIteration as stop:  # done inline (HMAC, natively)
                token = stop.value
                payload["sub"] = "after"
            else:
                payload["sub"] = "after"
                payload["extra"] = "added"
                await asyncio.wait([future])
                token = _finish(coroutine)
            assert backend.sync.jwt.decode(token, public, [alg]) == {"sub": "before"}, alg

    asyncio.run(main())


# --- 8. The raw extension functions need a running loop (native) -------------------------------


def test_raw_native_functions_outside_a_running_loop_raise_runtime_error(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    native_only(backend, "the twin has no raw future-returning functions")
    keys = material()
    rs_private, rs_public = signing_keys(keys, "RS256")
    token = backend.sync.jwt.encode(CLAIMS, rs_private, "RS256")
    big = pattern(1 << 20)
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("blake3_digest", (b"small",), {}),  # would be inline
        ("blake3_digest", (big,), {}),  # would be offloaded
        ("blake3_hexdigest", (big,), {"length": 100_000}),
        ("blake3_file", (__file__,), {}),
        ("jwt_encode", (CLAIMS, SECRET), {}),
        ("jwt_encode", (CLAIMS, rs_private, "RS256"), {}),
        ("jwt_decode", (token, rs_public, ["RS256"]), {"audience": "api"}),
        ("jwt_decode_complete", (token, rs_public, ["RS256"]), {"audience": "api"}),
    ]

    def outside() -> None:
        for name, args, kwargs in calls:
            with pytest.raises(RuntimeError, match=r"^no running event loop$"):
                getattr(backend.sync.aio, name)(*args, **kwargs)

    outside()  # on the main thread, no loop
    run_threads(1, lambda _: outside())  # on a thread that never had one

    async def inside() -> None:
        loop = asyncio.get_running_loop()
        future = backend.sync.aio.blake3_digest(big)
        assert isinstance(future, asyncio.Future)
        assert future.get_loop() is loop
        assert await future == backend.sync.hashing.blake3_digest(big)
        inline = backend.sync.aio.blake3_digest(b"small")
        assert inline.done()
        assert await inline == backend.sync.hashing.blake3_digest(b"small")

    asyncio.run(inside())  # and the extension still works afterwards


# --- Processes: lazy runtime, clean exit --------------------------------------------------------

LAZY_SCRIPT: Final = textwrap.dedent(
    r"""
    import asyncio, json, os, sys

    def comms():
        names = []
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/comm") as handle:
                    names.append(handle.read().strip())
            except OSError:
                pass
        return names

    def settled_comms():
        # A joined Python thread (the twin's executor, joined by asyncio.run) can still be
        # listed for a moment while its OS thread exits: wait for that (on a loaded machine
        # that moment can be long), up to a guard against a thread that never leaves.
        import time
        names = comms()
        give_up_at = time.monotonic() + 120
        while time.monotonic() < give_up_at:
            if sys.argv[1] == "native" or len(names) == 1:
                break
            time.sleep(0.01)
            names = comms()
        return names

    import covet_rust_core
    if sys.argv[1] == "native":
        from covet_rust_core import _aio_native as aio
    else:
        from covet_rust_core.fallback import aio
    secret = "s" * 64
    out = {"after_import": len(comms())}

    async def inline():
        await aio.blake3_digest(b"abc")
        await aio.blake3_hexdigest(bytes(1000), length=64)
        token = await aio.jwt_encode({"a": 1}, secret)
        await aio.jwt_decode(token, secret, ["HS256"])

    asyncio.run(inline())
    out["after_inline"] = settled_comms()

    async def offloaded():
        await aio.blake3_digest(bytes(int(sys.argv[2])))

    asyncio.run(offloaded())
    out["after_offloaded"] = settled_comms()
    print(json.dumps(out))
    sys.stdout.flush()
    os._exit(0)
    """
)


def test_no_thread_before_the_first_offloaded_awaitable(impl: ModuleType) -> None:
    backend = aio_backend(impl)
    linux_only()
    completed = subprocess.run(
        [sys.executable, "-c", LAZY_SCRIPT, backend.name, str(scale(backend).offloaded)],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    out = json.loads(completed.stdout.strip().splitlines()[-1])
    assert out["after_import"] == 1  # importing starts no thread
    if backend.native:
        # Inline work (small hashes, HMAC tokens) needs no runtime: still no thread.
        assert len(out["after_inline"]) == 1, out
        workers = out["after_offloaded"].count("covet-aio")
        assert 1 <= workers <= 2 * cpus(), out
        assert len(out["after_offloaded"]) == 1 + workers, out
    else:
        # asyncio.run joins the default executor's threads.
        assert len(out["after_inline"]) == 1, out
        assert len(out["after_offloaded"]) == 1, out


EXIT_SCRIPT: Final = textwrap.dedent(
    r"""
    import asyncio, contextlib, sys
    backend, mode, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if backend == "native":
        from covet_rust_core import _aio_native as aio
    else:
        from covet_rust_core.fallback import aio

    async def main():
        if mode == "await":
            await aio.blake3_digest(b"x" * size)
        else:  # cancel work that is running, then leave
            task = asyncio.create_task(aio.blake3_digest(bytes(size)))
            await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    asyncio.run(main())
    print("done")
    """
)


def test_processes_exit_cleanly_after_using_aio(impl: ModuleType) -> None:
    """A process that awaited an offloaded call, or cancelled running work, then exits:
    exit status 0 and no crash report. (Natively this used to abort with SIGABRT when a
    covet thread entered the interpreter during finalisation; see tests/aio/test_exit.py.)"""
    backend = aio_backend(impl)
    runs = [("await", 1 << 20)] * 16 if backend.native else [("await", 70_000)] * 4
    runs += [("cancel", 64 << 20)] * 4 if backend.native else [("cancel", 65536)] * 2
    failures = []
    for start in range(0, len(runs), 4):
        batch = runs[start : start + 4]
        children = [
            subprocess.Popen(
                [sys.executable, "-c", EXIT_SCRIPT, backend.name, mode, str(size)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for mode, size in batch
        ]
        for (mode, _), child in zip(batch, children, strict=True):
            try:
                out, err = child.communicate(timeout=SUBPROCESS_TIMEOUT)
            except subprocess.TimeoutExpired:
                child.kill()
                out, err = child.communicate()
                failures.append(f"{mode}: hung at exit")
                continue
            crashed = "panicked" in err or "Fatal Python error" in err
            if child.returncode != 0 or out.strip() != "done" or crashed:
                failures.append(f"{mode}: rc={child.returncode} stderr={err.strip()[:300]!r}")
    assert failures == []
