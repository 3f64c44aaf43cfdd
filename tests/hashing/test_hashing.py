"""Hashing on both implementations: official BLAKE3 vectors, equality with the `blake3` and
`xxhash` packages, streaming, threads, files and bad input."""

from __future__ import annotations

import array
import itertools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import blake3 as blake3_package
import pytest
import xxhash
from covet_rust_core import _native
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.implementations import is_native

VECTORS = json.loads((Path(__file__).parents[1] / "data" / "blake3_test_vectors.json").read_text())
KEY = VECTORS["key"].encode()
CONTEXT = VECTORS["context_string"]
MIB = 1 << 20

# The twin is pure Python: keep the random cases small enough for it, and the same for both.
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    # too_slow measures wall time: a loaded machine must not fail a test.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def vector_input(length: int) -> bytes:
    return bytes(i % 251 for i in range(length))


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(cut, len(data)) for cut in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


# --- BLAKE3: official vectors -------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda case: str(case["input_len"]))
def test_blake3_official_vectors(impl: ModuleType, case: dict[str, Any]) -> None:
    data = vector_input(case["input_len"])
    modes: list[tuple[str, dict[str, Any]]] = [
        ("hash", {}),
        ("keyed_hash", {"key": KEY}),
        ("derive_key", {"derive_key_context": CONTEXT}),
    ]
    for field, options in modes:
        expected = bytes.fromhex(case[field])
        assert len(expected) == 131
        hasher = impl.hashing.blake3(data, **options)
        assert hasher.digest() == expected[:32]
        assert hasher.digest(131) == expected
        assert hasher.hexdigest(131) == case[field]
        assert hasher.digest(length=20, seek=30) == expected[30:50]
        assert impl.hashing.blake3_digest(data, length=131, **options) == expected
        assert impl.hashing.blake3_digest(data, length=20, seek=30, **options) == expected[30:50]
        assert impl.hashing.blake3_hexdigest(data, **options) == case[field][:64]


# --- BLAKE3: equality with the blake3 package ---------------------------------------------


@SETTINGS
@given(
    data=st.binary(max_size=3000),
    key=st.none() | st.binary(min_size=32, max_size=32),
    context=st.none() | st.text(max_size=40),
    length=st.integers(0, 300),
    seek=st.integers(0, 2**40) | st.integers(0, 200),
)
def test_blake3_matches_the_blake3_package(
    impl: ModuleType,
    data: bytes,
    key: bytes | None,
    context: str | None,
    length: int,
    seek: int,
) -> None:
    options: dict[str, Any] = {}
    if key is not None:
        options["key"] = key
    elif context is not None:
        options["derive_key_context"] = context
    expected = blake3_package.blake3(data, **options).digest(length=length, seek=seek)
    assert impl.hashing.blake3(data, **options).digest(length, seek=seek) == expected
    assert impl.hashing.blake3_digest(data, length=length, seek=seek, **options) == expected


@SETTINGS
@given(data=st.binary(max_size=5000), cuts=st.lists(st.integers(0, 5000), max_size=12))
def test_blake3_streaming_equals_one_shot(impl: ModuleType, data: bytes, cuts: list[int]) -> None:
    hasher = impl.hashing.blake3(key=KEY)
    for part in chunked(data, cuts):
        assert hasher.update(part) is hasher
    assert hasher.digest(64) == impl.hashing.blake3_digest(data, key=KEY, length=64)


def test_blake3_chunk_boundaries(impl: ModuleType) -> None:
    data = vector_input(4 * 1024 + 7)
    expected = blake3_package.blake3(data).digest()
    for size in (1, 63, 64, 65, 1023, 1024, 1025):
        hasher = impl.hashing.blake3()
        for start in range(0, len(data), size):
            hasher.update(data[start : start + size])
        assert hasher.digest() == expected, size


def test_blake3_copy_and_reset(impl: ModuleType) -> None:
    keyed = impl.hashing.blake3(b"first", key=KEY)
    twin = keyed.copy()
    keyed.update(b" second")
    assert twin.digest() == impl.hashing.blake3_digest(b"first", key=KEY)
    assert keyed.digest() == impl.hashing.blake3_digest(b"first second", key=KEY)
    keyed.reset()
    # Reset forgets the input but keeps the mode.
    assert keyed.digest() == impl.hashing.blake3_digest(b"", key=KEY)
    derived = impl.hashing.blake3(b"x", derive_key_context=CONTEXT)
    derived.reset()
    assert derived.digest() == impl.hashing.blake3_digest(b"", derive_key_context=CONTEXT)


def test_blake3_attributes(impl: ModuleType) -> None:
    hasher = impl.hashing.blake3()
    assert (hasher.name, hasher.digest_size, hasher.block_size, hasher.key_size) == (
        "blake3",
        32,
        64,
        32,
    )
    assert impl.hashing.blake3.AUTO == impl.hashing.AUTO == blake3_package.blake3.AUTO == -1
    assert hasher.digest(0) == b""


# --- BLAKE3: threads ----------------------------------------------------------------------


@pytest.mark.parametrize("max_threads", [2, 3, blake3_package.blake3.AUTO])
def test_blake3_multithreaded_equals_single_threaded(impl: ModuleType, max_threads: int) -> None:
    # Natively: above the 2 MiB from which threads are used. The twin ignores max_threads
    # and takes about a second per MiB, so it gets a smaller input.
    data = os.urandom(2 * MIB + 4097 if is_native(impl) else 9000)
    expected = blake3_package.blake3(data).digest(64)
    assert impl.hashing.blake3_digest(data, length=64, max_threads=max_threads) == expected
    hasher = impl.hashing.blake3(max_threads=max_threads)
    hasher.update(data[:5]).update(data[5:])
    assert hasher.digest(64) == expected


@pytest.mark.skipif(
    not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
    reason="needs Linux /proc and at least 2 cores",
)
def test_native_auto_really_uses_threads() -> None:
    """AUTO on a big input runs on the library's pool threads (visible in /proc)."""
    _native.hashing.blake3_digest(os.urandom(3 * MIB), max_threads=_native.hashing.AUTO)
    names = {(task / "comm").read_text().strip() for task in Path("/proc/self/task").iterdir()}
    assert any(name.startswith("covet-blake3-") for name in names), names


FORK_SCRIPT = """
import os, sys
from covet_rust_core._native import hashing
data = bytes(range(256)) * (12 * 1024)  # 3 MiB: above the threading threshold
expected = hashing.blake3_digest(data)
assert hashing.blake3_digest(data, max_threads=hashing.AUTO) == expected  # pool created
pid = os.fork()
if pid == 0:  # the child has none of the parent's pool threads
    ok = hashing.blake3_digest(data, max_threads=hashing.AUTO) == expected
    os._exit(0 if ok else 3)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="needs fork")
def test_native_threads_work_after_fork() -> None:
    """A forked worker (gunicorn --preload) must not wait on its parent's pool threads."""
    done = subprocess.run(
        [sys.executable, "-c", FORK_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_one_hasher_shared_by_threads(impl: ModuleType) -> None:
    """Threads updating one hasher at once: every update lands exactly once."""
    chunk = os.urandom(3000)  # above the GIL-release threshold
    hasher = impl.hashing.blake3()
    xxh = impl.hashing.xxh3_128_hasher()
    threads_count, per_thread = 6, 12

    def work() -> None:
        for _ in range(per_thread):
            hasher.update(chunk)
            xxh.update(chunk)

    workers = [threading.Thread(target=work) for _ in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    whole = chunk * (threads_count * per_thread)
    assert hasher.digest() == blake3_package.blake3(whole).digest()
    assert xxh.intdigest() == xxhash.xxh3_128_intdigest(whole)


# --- BLAKE3: files ------------------------------------------------------------------------


@pytest.mark.parametrize("length", [0, 1, 2047, 2048, 2049, 70_000, 2 * MIB + 3])
def test_blake3_file_equals_memory(impl: ModuleType, tmp_path: Path, length: int) -> None:
    data = os.urandom(length)
    path = tmp_path / f"payload-{length}"
    path.write_bytes(data)
    expected = blake3_package.blake3(data).digest()
    assert impl.hashing.blake3_file(path) == expected
    if length > MIB and not is_native(impl):
        return  # the pure-Python twin takes seconds per MiB: one multi-MiB call is enough
    assert impl.hashing.blake3_file(str(path), max_threads=impl.hashing.AUTO) == expected
    assert impl.hashing.blake3_file(os.fsencode(path)) == expected
    assert impl.hashing.blake3_file(path, key=KEY, length=40, seek=3) == blake3_package.blake3(
        data, key=KEY
    ).digest(length=40, seek=3)


def test_blake3_file_errors_name_the_path(impl: ModuleType, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(FileNotFoundError) as not_found:
        impl.hashing.blake3_file(missing)
    assert str(missing) in str(not_found.value)
    with pytest.raises(IsADirectoryError):
        impl.hashing.blake3_file(tmp_path)
    with pytest.raises(TypeError):
        impl.hashing.blake3_file(42)


@pytest.mark.skipif(
    sys.platform == "win32" or (hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="root reads anything, and Windows ignores a read-only mode for reading",
)
def test_blake3_file_permission(impl: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_bytes(b"x")
    path.chmod(0)
    with pytest.raises(PermissionError):
        impl.hashing.blake3_file(path)


# --- XXH3 ---------------------------------------------------------------------------------


def test_xxh3_known_values(impl: ModuleType) -> None:
    assert impl.hashing.xxh3_64(b"") == 0x2D06800538D394C2
    assert impl.hashing.xxh3_64_hexdigest(b"") == "2d06800538d394c2"
    assert impl.hashing.xxh3_64_digest(b"") == bytes.fromhex("2d06800538d394c2")
    assert impl.hashing.xxh3_128_hexdigest(b"abc") == "06b05ab6733a618578af5f94892f3950"


@SETTINGS
@given(
    data=st.binary(max_size=3000),
    seed=st.integers(-(2**70), 2**70) | st.integers(0, 2**64 - 1) | st.none(),
)
def test_xxh3_matches_the_xxhash_package(impl: ModuleType, data: bytes, seed: int | None) -> None:
    expected_seed = 0 if seed is None else seed % 2**64
    assert impl.hashing.xxh3_64(data, seed) == xxhash.xxh3_64_intdigest(data, expected_seed)
    assert impl.hashing.xxh3_64_digest(data, seed) == xxhash.xxh3_64_digest(data, expected_seed)
    assert impl.hashing.xxh3_64_hexdigest(data, seed) == xxhash.xxh3_64_hexdigest(
        data, expected_seed
    )
    assert impl.hashing.xxh3_128(data, seed) == xxhash.xxh3_128_intdigest(data, expected_seed)
    assert impl.hashing.xxh3_128_digest(data, seed) == xxhash.xxh3_128_digest(data, expected_seed)
    assert impl.hashing.xxh3_128_hexdigest(data, seed) == xxhash.xxh3_128_hexdigest(
        data, expected_seed
    )


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((b"k" * 64,), {}),
        ((b"k" * 64, 0), {}),
        ((b"k" * 64, 2**64 - 1), {}),
        ((b"k" * 64, 2**64), {}),  # wraps to 0
        ((b"k" * 64, -1), {}),  # wraps to 2**64 - 1
        ((b"k" * 64, True), {}),  # an int subclass
        ((b"k" * (64 * 1024 - 1),), {}),  # just under the GIL-release size
        ((b"k" * (64 * 1024),), {}),  # at it
        ((bytearray(b"k" * 64),), {}),
        ((), {"data": b"k" * 64, "seed": 9}),
        ((b"k" * 64,), {"seed": 9}),
    ],
)
def test_xxh3_64_argument_shapes(
    impl: ModuleType, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """Every calling shape gives xxhash's answer (natively some take a raw fast path)."""
    data = bytes(kwargs.get("data", args[0] if args else b""))
    seed = kwargs.get("seed", args[1] if len(args) > 1 else 0)
    assert impl.hashing.xxh3_64(*args, **kwargs) == xxhash.xxh3_64_intdigest(data, seed % 2**64)


def test_xxh3_64_bad_calls(impl: ModuleType) -> None:
    with pytest.raises(TypeError, match="data"):
        impl.hashing.xxh3_64()
    with pytest.raises(TypeError):
        impl.hashing.xxh3_64(b"a", 1, 2)
    with pytest.raises(TypeError):
        impl.hashing.xxh3_64(b"a", seed=1, other=2)
    with pytest.raises(TypeError, match="seed must be an int"):
        impl.hashing.xxh3_64(b"a", 1.0)


def test_no_reference_leaks(impl: ModuleType) -> None:
    data, seed, key = b"k" * 64, 2**63 + 5, KEY
    before = (sys.getrefcount(data), sys.getrefcount(seed), sys.getrefcount(key))
    for _ in range(20_000 if is_native(impl) else 200):
        impl.hashing.xxh3_64(data, seed)
        impl.hashing.xxh3_128(data, seed)
        impl.hashing.blake3_digest(data, key=key)
        with pytest.raises(TypeError):
            impl.hashing.xxh3_64(data, 1.5)
    assert (sys.getrefcount(data), sys.getrefcount(seed), sys.getrefcount(key)) == before


def test_xxh3_long_input(impl: ModuleType) -> None:
    data = os.urandom(300_000)
    for seed in (0, 7, 2**64 - 1):
        assert impl.hashing.xxh3_64(data, seed) == xxhash.xxh3_64_intdigest(data, seed)
        assert impl.hashing.xxh3_128(data, seed) == xxhash.xxh3_128_intdigest(data, seed)


@SETTINGS
@given(
    data=st.binary(max_size=3000),
    cuts=st.lists(st.integers(0, 3000), max_size=12),
    seed=st.integers(0, 2**64 - 1),
)
def test_xxh3_streaming_equals_one_shot(
    impl: ModuleType, data: bytes, cuts: list[int], seed: int
) -> None:
    h64 = impl.hashing.xxh3_64_hasher(seed=seed)
    h128 = impl.hashing.xxh3_128_hasher(b"", seed)
    for part in chunked(data, cuts):
        assert h64.update(part) is h64
        h128.update(part)
    assert h64.intdigest() == impl.hashing.xxh3_64(data, seed)
    assert h64.digest() == xxhash.xxh3_64(data, seed).digest()
    assert h64.hexdigest() == xxhash.xxh3_64(data, seed).hexdigest()
    assert h128.intdigest() == impl.hashing.xxh3_128(data, seed)
    assert h128.digest() == xxhash.xxh3_128(data, seed).digest()
    assert h128.hexdigest() == xxhash.xxh3_128(data, seed).hexdigest()


def test_xxh3_hasher_copy_reset_attributes(impl: ModuleType) -> None:
    h = impl.hashing.xxh3_64_hasher(b"abc", 5)
    assert (h.name, h.digest_size, h.block_size, h.seed) == ("XXH3_64", 8, 32, 5)
    copy = h.copy()
    h.update(b"def")
    assert copy.intdigest() == xxhash.xxh3_64_intdigest(b"abc", 5)
    h.reset()
    assert h.intdigest() == xxhash.xxh3_64_intdigest(b"", 5)
    wide = impl.hashing.xxh3_128_hasher(seed=-1)
    assert (wide.name, wide.digest_size, wide.block_size, wide.seed) == (
        "XXH3_128",
        16,
        64,
        2**64 - 1,
    )


# --- inputs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        bytearray,
        memoryview,
        lambda b: array.array("B", b),
        lambda b: array.array("I", b[: len(b) // 4 * 4]),
        lambda b: memoryview(b).cast("B", (2, len(b) // 2)),
    ],
    ids=["bytearray", "memoryview", "array-B", "array-I", "memoryview-2d"],
)
def test_any_contiguous_buffer(impl: ModuleType, make: Callable[[bytes], Any]) -> None:
    raw = os.urandom(4000)
    buffer = make(raw)
    content = memoryview(buffer).tobytes()
    assert impl.hashing.blake3_digest(buffer) == blake3_package.blake3(content).digest()
    assert impl.hashing.blake3(buffer).digest() == blake3_package.blake3(content).digest()
    assert impl.hashing.xxh3_64(buffer) == xxhash.xxh3_64_intdigest(content)
    assert impl.hashing.xxh3_128_hasher(buffer).intdigest() == xxhash.xxh3_128_intdigest(content)


BAD_DATA = [
    pytest.param("text", TypeError, "Strings must be encoded before hashing", id="str"),
    pytest.param(42, TypeError, "bytes-like object is required", id="int"),
    pytest.param(None, TypeError, None, id="None"),
    pytest.param(memoryview(b"abcdef")[::2], BufferError, "C-contiguous", id="strided"),
]


@pytest.mark.parametrize(("data", "error", "message"), BAD_DATA)
def test_bad_data(impl: ModuleType, data: Any, error: type[Exception], message: str | None) -> None:
    calls: list[Callable[[], object]] = [
        lambda: impl.hashing.blake3_digest(data),
        lambda: impl.hashing.blake3_hexdigest(data),
        lambda: impl.hashing.blake3().update(data),
        lambda: impl.hashing.xxh3_64(data),
        lambda: impl.hashing.xxh3_128_digest(data),
        lambda: impl.hashing.xxh3_64_hasher().update(data),
    ]
    if data is not None:  # None is "no initial data" for the constructors
        calls += [lambda: impl.hashing.blake3(data), lambda: impl.hashing.xxh3_128_hasher(data)]
    for call in calls:
        with pytest.raises(error, match=message):
            call()


BAD_OPTIONS = [
    pytest.param({"key": b"k" * 31}, ValueError, "expected a 32-byte key, found 31", id="key31"),
    pytest.param({"key": b"k" * 33}, ValueError, "expected a 32-byte key, found 33", id="key33"),
    pytest.param({"key": "k" * 32}, TypeError, "Strings must be encoded", id="key-str"),
    pytest.param(
        {"key": KEY, "derive_key_context": "c"}, ValueError, "at the same time", id="both"
    ),
    pytest.param({"derive_key_context": b"ctx"}, TypeError, "must be a str", id="ctx-bytes"),
    pytest.param({"derive_key_context": "\ud800"}, UnicodeEncodeError, None, id="ctx-surrogate"),
    pytest.param({"max_threads": 0}, ValueError, "positive integer or AUTO", id="threads0"),
    pytest.param({"max_threads": -2}, ValueError, "positive integer or AUTO", id="threads-2"),
    pytest.param({"max_threads": 2.0}, TypeError, None, id="threads-float"),
    pytest.param({"max_threads": 2**63}, OverflowError, None, id="threads-huge"),
]


@pytest.mark.parametrize(("options", "error", "message"), BAD_OPTIONS)
def test_bad_blake3_options(
    impl: ModuleType, options: dict[str, Any], error: type[Exception], message: str | None
) -> None:
    with pytest.raises(error, match=message):
        impl.hashing.blake3(b"data", **options)
    with pytest.raises(error, match=message):
        impl.hashing.blake3_digest(b"data", **options)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"length": -1}, OverflowError),
        ({"seek": -1}, OverflowError),
        ({"length": 2**64}, OverflowError),
        ({"length": 1.5}, TypeError),
        ({"seek": "0"}, TypeError),
    ],
)
def test_bad_output_ranges(
    impl: ModuleType, options: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        impl.hashing.blake3(b"x").digest(**options)
    with pytest.raises(error):
        impl.hashing.blake3_digest(b"x", **options)


def test_impossible_output_length_is_a_memory_error(impl: ModuleType) -> None:
    """Never a hang or a crash: 2**62 bytes exceed any address space, overcommit or not."""
    with pytest.raises(MemoryError):
        impl.hashing.blake3_digest(b"", length=2**62)
    with pytest.raises(MemoryError):
        impl.hashing.blake3(b"").digest(2**62)


@pytest.mark.parametrize("seed", [1.5, "1", b"1"])
def test_bad_seed(impl: ModuleType, seed: Any) -> None:
    with pytest.raises(TypeError, match="seed must be an int"):
        impl.hashing.xxh3_64(b"x", seed)
    with pytest.raises(TypeError, match="seed must be an int"):
        impl.hashing.xxh3_128_hasher(b"x", seed)
