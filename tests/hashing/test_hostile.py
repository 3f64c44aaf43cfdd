"""Hostile input for hashing (issue 18), on both backends (``impl``): one test per
class of defect, each example of the issue among them.

* Part 7: a file that shrinks while ``blake3_file`` hashes it killed the process (SIGBUS from
  the memory map). Now the call raises ``OSError(EIO, "file shrank while it was hashed",
  path)`` or returns a digest of what the file held; the process lives. The shrinking runs
  in a child process, so that a crash fails the test and not the run, and nothing depends
  on timing: every outcome the contract allows is accepted, any other fails.
* Part 1: what Python code hands back (``__index__`` of seeds, lengths and thread counts,
  ``__fspath__``, ``__buffer__``, str and bytes subclasses) is checked by CPython's own
  API or read through the base type, with the same class and message on both backends.
* Part 6: buffers sized by the input raise MemoryError under RLIMIT_AS
  (``tests/support/memory_limit.py``), never abort or panic.
"""

from __future__ import annotations

import array
import asyncio
import ctypes
import errno
import functools
import json
import mmap
import operator
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import pytest

from tests.support.aio_backend import aio_module
from tests.support.hostile_objects import ClassLiar, HostileError, Index, PathLike
from tests.support.implementations import is_native
from tests.support.memory_limit import outcome

# BLAKE3 of runs of zero bytes (computed once with the native side; the twin agrees).
EMPTY: Final = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
ZEROS: Final = {
    32 << 10: "ac169ead597dac88b2d7223edd85c9895392532cfc7a3c5c29a3fbe3ccba37f2",
    64 << 10: "3bdeaf8f8e98780b318106aafdc3ca257f73df123d97b69112b26044c91a7d56",
    32 << 20: "2dbe083a48e7430772c9803d474523a53b7c8aad5c7daaba0a55b6f892a98074",
    2 << 20: "8ac83f8ce09d064b023ab3c15880b02f2686cd1817fd25915b8153316ee059f8",
    64 << 20: "ea7b156fc9a810c181984f9e2da433feeeb2bf88ffa4d1f0dc1a92154b5bdc8b",
    1 << 30: "94b4ec39d8d42ebda685fbb5429e8ab0086e65245e750142c1eea36a26abc24d",
}
SHRANK: Final = "file shrank while it was hashed"


def outcome_of(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """``("ok", result)`` or ``(exception class name, message)``."""
    try:
        return ("ok", call(*args, **kwargs))
    except Exception as error:
        return (type(error).__name__, str(error))


def awaited(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


# --- 7. A file that shrinks while it is hashed -------------------------------------------

# The child: ``M`` the backend, ``A`` its awaitable forms; ``hash_once(form, path)`` is one
# call's outcome as JSON-able data (a digest's hex, or an OSError's errno, text and name).
CHILD_PRELUDE: Final = """
import asyncio, importlib, json, os, sys, threading, time
M = importlib.import_module(sys.argv[1])
A = importlib.import_module(sys.argv[2])


def hash_once(form, path):
    try:
        if form == "sync":
            digest = M.hashing.blake3_file(path)
        else:
            digest = asyncio.run(A.blake3_file(path))
    except OSError as error:
        return ["error", type(error).__name__, error.errno, error.strerror, error.filename]
    return ["digest", digest.hex()]
"""


def run_child(impl: ModuleType, body: str, *args: str) -> Any:
    """Runs ``body`` after the prelude in a fresh interpreter and returns the JSON it
    printed last; the child dying (a signal, an abort) fails the test with its stderr."""
    code = CHILD_PRELUDE + textwrap.dedent(body)
    argv = [sys.executable, "-X", "faulthandler", "-c", code]
    argv += [impl.__name__, aio_module(impl).__name__, *args]
    env = {**os.environ, "COVET_RUST_CORE_BACKEND": "auto"}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        pytest.fail(
            f"the child exited with status {done.returncode} (negative: killed by that "
            f"signal):\nstdout: {done.stdout[-2000:]}\nstderr: {done.stderr[-4000:]}",
            pytrace=False,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def allowed(path: str, sizes: tuple[int, ...]) -> list[list[Any]]:
    """What hashing a file of zeros whose size moves among ``sizes`` may give: the digest of
    one of those sizes, or the OSError for a file that shrank, naming the path."""
    digests = [["digest", EMPTY if size == 0 else ZEROS[size]] for size in sizes]
    return [*digests, ["error", "OSError", errno.EIO, SHRANK, path]]


@pytest.mark.parametrize("form", ["sync", "aio"])
def test_file_truncated_to_nothing_while_hashed(
    impl: ModuleType, tmp_path: Path, form: str
) -> None:
    """The issue's example: a 1 GiB file truncated to 0 bytes 50 ms into the hash. It was
    SIGBUS ("Fatal Python error: Bus error") natively."""
    path = str(tmp_path / "big.bin")
    seen = run_child(
        impl,
        """
        path, form = sys.argv[3], sys.argv[4]
        with open(path, "wb") as file:
            file.truncate(1 << 30)
        result = []
        thread = threading.Thread(target=lambda: result.append(hash_once(form, path)))
        thread.start()
        time.sleep(0.05)
        os.truncate(path, 0)
        thread.join()
        print(json.dumps(result[0]))
        """,
        path,
        form,
    )
    # Truncated before it was opened, during the hash, or (natively, on a fast machine)
    # after it: each is an allowed outcome.
    assert seen in allowed(path, (0, 1 << 30)), seen


@pytest.mark.parametrize("form", ["sync", "aio"])
def test_file_shrinking_and_growing_in_a_loop(impl: ModuleType, tmp_path: Path, form: str) -> None:
    """A thread moves a file of zeros between two sizes as fast as it can while it is
    hashed again and again: a shrink seen during a hash is the OSError (natively the map's
    lost pages, in the twin a short read); otherwise the digest of the size the file had
    when it was opened (both sizes are 16 KiB or more: hashed as the bytes held at open)."""
    large, calls = ((64 << 20), 40) if is_native(impl) else ((64 << 10), 15)
    path = str(tmp_path / "moving.bin")
    seen = run_child(
        impl,
        """
        path, form, large, calls = sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
        with open(path, "wb") as file:
            file.truncate(large)
        stop = threading.Event()

        def move():
            while not stop.is_set():
                os.truncate(path, large // 2)
                os.truncate(path, large)

        mover = threading.Thread(target=move)
        mover.start()
        try:
            outcomes = [hash_once(form, path) for _ in range(calls)]
        finally:
            stop.set()
            mover.join()
        print(json.dumps(outcomes))
        """,
        path,
        form,
        str(large),
        str(calls),
    )
    allowed_outcomes = allowed(path, (large // 2, large))
    assert len(seen) == calls
    assert all(one in allowed_outcomes for one in seen), [
        one for one in seen if one not in allowed_outcomes
    ]


class ChangingFile:
    """An open file whose first ``read`` first runs ``change`` (the file shrinks or grows
    after its size was taken, before any byte is read)."""

    def __init__(self, file: Any, change: Callable[[], None]) -> None:
        self.file = file
        self.change: Callable[[], None] | None = change

    def fileno(self) -> int:
        return int(self.file.fileno())

    def read(self, size: int) -> bytes:
        if self.change is not None:
            self.change()
            self.change = None
        return bytes(self.file.read(size))


def test_truncated_between_open_and_read(impl: ModuleType, tmp_path: Path) -> None:
    """The deterministic case: a file that shrinks after its size was taken and before its
    bytes are read. The twin's reader is driven directly here; the native side's two paths
    (the guarded map and the reads) are driven the same way by the Rust tests
    (crates/covet-core/src/hashing/blake3.rs ``a_file_that_shrank_is_an_error``,
    mapped_file.rs). A file that grows instead is hashed at the size it had when opened."""
    if is_native(impl):
        pytest.skip("no Python code runs between open and read natively: see the Rust tests")
    from covet_rust_core.fallback import hashing
    from covet_rust_core.fallback._blake3 import Blake3State

    path = tmp_path / "changing.bin"
    for kept in (0, 1, 20 << 10):
        path.write_bytes(bytes(64 << 10))
        with path.open("rb", buffering=0) as file:
            shrinking = ChangingFile(file, functools.partial(os.truncate, path, kept))
            with pytest.raises(OSError, match=SHRANK) as caught:
                hashing._hash_open_file(shrinking, Blake3State(), str(path))
        assert (caught.value.errno, caught.value.strerror) == (errno.EIO, SHRANK)
        assert caught.value.filename == str(path)
    path.write_bytes(bytes(32 << 10))
    with path.open("rb", buffering=0) as file:
        growing = ChangingFile(file, functools.partial(os.truncate, path, 64 << 10))
        state = Blake3State()
        hashing._hash_open_file(growing, state, str(path))
    assert state.finalize().hex() == ZEROS[32 << 10]


# --- 1. What Python code hands back --------------------------------------------------------


class LyingInt(int):
    """An int whose overridable methods lie or raise: readers must use int's value."""

    def __index__(self) -> int:
        raise HostileError("LyingInt.__index__")

    def __int__(self) -> int:
        raise HostileError("LyingInt.__int__")

    def __and__(self, other: Any) -> Any:
        return "not an int"

    __rand__ = __and__

    def __repr__(self) -> str:
        return f"LyingInt({int(int.__index__(self))})"


class LyingStr(str):
    """A str whose overridable methods lie or raise: readers must use str's text."""

    def encode(self, *args: Any, **kwargs: Any) -> bytes:
        return b"something else"

    def __str__(self) -> str:
        raise HostileError("LyingStr.__str__")

    def __contains__(self, item: Any) -> bool:
        raise HostileError("LyingStr.__contains__")

    def __fspath__(self) -> str:
        raise HostileError("LyingStr.__fspath__")

    def __hash__(self) -> int:
        return 0


class LyingBytes(bytes):
    """A bytes whose overridable methods lie or raise: readers must use bytes' content."""

    def __contains__(self, item: Any) -> bool:
        raise HostileError("LyingBytes.__contains__")

    def find(self, *args: Any) -> int:
        raise HostileError("LyingBytes.find")

    def __bytes__(self) -> bytes:
        raise HostileError("LyingBytes.__bytes__")

    def __str__(self) -> str:
        raise HostileError("LyingBytes.__str__")


SEED_FUNCTIONS: Final = ("xxh3_64", "xxh3_128", "xxh3_64_hexdigest", "xxh3_64_hasher")


def seeded(impl: ModuleType, name: str, seed: Any) -> Any:
    result = getattr(impl.hashing, name)(b"some data", seed=seed)
    return result.intdigest() if name.endswith("hasher") else result


@pytest.mark.parametrize("name", SEED_FUNCTIONS)
def test_an_int_subclass_seed_is_read_as_int(impl: ModuleType, name: str) -> None:
    """Native fix (binding.rs seed_from): a seed out of [0, 2**64) wraps through int's own
    ``&``; the subclass's ``__and__`` was called (it gave a TypeError here)."""
    for value in (-1, 2**64 + 5, -(2**70), 7):
        assert seeded(impl, name, LyingInt(value)) == seeded(impl, name, value % 2**64)


@pytest.mark.parametrize("name", SEED_FUNCTIONS)
def test_what_index_returns_for_a_seed_is_checked(impl: ModuleType, name: str) -> None:
    """An ``__index__`` that returns a non-int gets CPython's own TypeError (the checked
    ``operator.index``), on both backends; it was "seed must be an int". What ``__index__``
    raises propagates; a value out of range, or no ``__index__``, is the seed TypeError."""
    for result in ("7", 1.5, b"7", [7]):
        assert outcome_of(seeded, impl, name, Index(result)) == outcome_of(
            operator.index, Index(result)
        )
    assert outcome_of(seeded, impl, name, Index(None)) == ("HostileError", "__index__")
    assert outcome_of(seeded, impl, name, Index(2**64)) == (
        "TypeError",
        "seed must be an int, not Index",
    )
    assert outcome_of(seeded, impl, name, 1.5) == (
        "TypeError",
        "seed must be an int, not float",
    )
    assert seeded(impl, name, Index(9)) == seeded(impl, name, 9)


def blake3_calls(impl: ModuleType, tmp_path: Path) -> dict[str, Callable[..., Any]]:
    """Every BLAKE3 entry point that takes ``length``/``seek``/``max_threads``, as one
    call taking those keywords."""
    path = tmp_path / "data.bin"
    path.write_bytes(b"file data")
    aio = aio_module(impl)
    return {
        "blake3_digest": lambda **kw: impl.hashing.blake3_digest(b"data", **kw),
        "blake3_hexdigest": lambda **kw: impl.hashing.blake3_hexdigest(b"data", **kw),
        "blake3_file": lambda **kw: impl.hashing.blake3_file(path, **kw),
        "blake3().digest": lambda **kw: impl.hashing.blake3(b"data").digest(
            **{k: v for k, v in kw.items() if k != "max_threads"}
        ),
        "blake3(max_threads)": lambda **kw: impl.hashing.blake3(
            b"data", **{k: v for k, v in kw.items() if k == "max_threads"}
        ).digest(),
        "aio.blake3_digest": lambda **kw: awaited(aio.blake3_digest(b"data", **kw)),
        "aio.blake3_file": lambda **kw: awaited(aio.blake3_file(path, **kw)),
    }


@pytest.mark.parametrize("keyword", ["length", "seek", "max_threads"])
def test_what_index_returns_for_a_size_is_checked(
    impl: ModuleType, tmp_path: Path, keyword: str
) -> None:
    """``length``, ``seek`` and ``max_threads`` go through CPython's checked index
    conversion on both backends: a non-int result is its TypeError, what ``__index__``
    raises propagates, and an int subclass is read as int (its lying methods unused)."""
    for name, call in blake3_calls(impl, tmp_path).items():
        if keyword not in ("max_threads",) and name == "blake3(max_threads)":
            continue
        if keyword == "max_threads" and name == "blake3().digest":
            continue
        for result in ("7", 1.5, None):
            assert outcome_of(call, **{keyword: Index(result)}) == outcome_of(
                operator.index, Index(result)
            ), (name, result)
        assert call(**{keyword: LyingInt(2)}) == call(**{keyword: 2}), name
        assert call(**{keyword: Index(2)}) == call(**{keyword: 2}), name


def test_a_derive_key_context_subclass_is_read_as_str(impl: ModuleType, tmp_path: Path) -> None:
    """Twin fix (fallback/hashing.py, _blake3.py): the context is encoded through str
    itself; the twin called the subclass's ``encode`` and hashed what it returned."""
    path = tmp_path / "data.bin"
    path.write_bytes(b"file data")
    context = "myapp 2026 session keys"
    lying = LyingStr(context)
    assert impl.hashing.blake3_digest(b"m", derive_key_context=lying) == impl.hashing.blake3_digest(
        b"m", derive_key_context=context
    )
    assert (
        impl.hashing.blake3(b"m", derive_key_context=lying).hexdigest()
        == impl.hashing.blake3(b"m", derive_key_context=context).hexdigest()
    )
    assert impl.hashing.blake3_file(path, derive_key_context=lying) == impl.hashing.blake3_file(
        path, derive_key_context=context
    )
    aio = aio_module(impl)
    assert awaited(aio.blake3_digest(b"m", derive_key_context=lying)) == (
        impl.hashing.blake3_digest(b"m", derive_key_context=context)
    )


def test_what_fspath_returns_is_checked(impl: ModuleType, tmp_path: Path) -> None:
    """``os.fspath`` (CPython's check: str or bytes) decides, on both backends and in the
    awaitable form: its TypeError for anything else, what ``__fspath__`` raises, and
    CPython's ValueError for a NUL."""
    aio = aio_module(impl)
    results: tuple[Any, ...] = (5, bytearray(b"x"), PathLike("x"), memoryview(b"x"), None)
    for result in results:
        expected = outcome_of(os.fspath, PathLike(result))
        assert expected[0] != "ok"
        assert outcome_of(impl.hashing.blake3_file, PathLike(result)) == expected, result
        assert outcome_of(awaited, aio.blake3_file(PathLike(result))) == expected, result
    null_paths: tuple[Any, ...] = ("a\0b", b"a\0b", LyingStr("a\0b"), LyingBytes(b"a\0b"))
    for result in null_paths:
        expected = ("ValueError", "embedded null byte")
        assert outcome_of(impl.hashing.blake3_file, PathLike(result)) == expected, result
        assert outcome_of(impl.hashing.blake3_file, result) == expected, result


def test_path_subclasses_are_read_through_their_base(impl: ModuleType, tmp_path: Path) -> None:
    """Twin fix (fallback/hashing.py _fs_name): a str path is encoded, and a bytes path
    searched for NUL, through str and bytes themselves (the twin called ``encode`` and
    ``in`` on the subclass); natively CPython's encoder and the bytes' content are read."""
    path = tmp_path / "data.bin"
    path.write_bytes(b"file data" * 5000)
    expected = impl.hashing.blake3_file(path)
    aio = aio_module(impl)
    for form in (LyingStr(path), LyingBytes(os.fsencode(path))):
        assert impl.hashing.blake3_file(form) == expected
        assert impl.hashing.blake3_file(PathLike(form)) == expected
        assert awaited(aio.blake3_file(form)) == expected
    missing = LyingStr(tmp_path / "missing")
    with pytest.raises(FileNotFoundError) as caught:
        impl.hashing.blake3_file(missing)
    assert caught.value.filename is missing


@pytest.mark.parametrize("claimed", [str, bytes, int, bool, memoryview, os.PathLike], ids=repr)
def test_an_object_whose_class_lies_is_judged_by_its_real_type(
    impl: ModuleType, claimed: type
) -> None:
    """Twin fix (fallback/hashing.py): types are tested on ``type(x)``; ``isinstance``
    consulted the lying ``__class__`` (a liar claiming str was "Strings must be encoded",
    one claiming int was read with ``operator.index``). The native side asks CPython for
    the real type, and the two now agree, class and message."""
    liar = ClassLiar(claimed)
    name = "ClassLiar"
    expected = {
        "data": ("TypeError", f"a bytes-like object is required, not '{name}'"),
        "key": ("TypeError", f"a bytes-like object is required, not '{name}'"),
        "context": ("TypeError", f"derive_key_context must be a str, not {name}"),
        "seed": ("TypeError", f"seed must be an int, not {name}"),
        "path": ("TypeError", f"expected str, bytes or os.PathLike object, not {name}"),
    }
    calls: dict[str, Callable[[], Any]] = {
        "data": lambda: impl.hashing.blake3_digest(liar),
        "key": lambda: impl.hashing.blake3_digest(b"", key=liar),
        "context": lambda: impl.hashing.blake3(derive_key_context=liar),
        "seed": lambda: impl.hashing.xxh3_64(b"", seed=liar),
        "path": lambda: impl.hashing.blake3_file(liar),
    }
    for what, call in calls.items():
        assert outcome_of(call) == expected[what], what
    assert outcome_of(impl.hashing.xxh3_128_hasher, liar)[0] == "TypeError"
    assert outcome_of(impl.hashing.blake3, usedforsecurity=liar) == (
        "TypeError",
        "'ClassLiar' object is not an instance of 'bool'",
    )
    # PyO3's words for its bool check, which the twin now uses (None named as itself).
    assert outcome_of(impl.hashing.blake3, usedforsecurity=None) == (
        "TypeError",
        "'None' is not an instance of 'bool'",
    )
    aio = aio_module(impl)
    assert outcome_of(awaited, aio.blake3_digest(liar)) == expected["data"]
    assert outcome_of(awaited, aio.blake3_file(liar)) == expected["path"]


def raw_bytes(obj: Any) -> bytes:
    """The bytes of a buffer, as the protocol exports them (C order)."""
    with memoryview(obj) as view:
        return view.tobytes()


def buffers() -> list[Any]:
    """C-contiguous buffers of many kinds."""
    mapped = mmap.mmap(-1, 4096)
    mapped.write(b"mapped bytes")
    return [
        bytearray(b"a bytearray"),
        memoryview(b"a memoryview"),
        memoryview(bytes(range(24))).cast("B", shape=[4, 6]),
        memoryview(bytes(range(24))).cast("i"),
        array.array("d", [1.5, -2.25, 1e300]),
        array.array("H", [1, 2, 65535]),
        ctypes.c_double(1.5),  # 0-dimensional: no shape, by the protocol
        (ctypes.c_int32 * 3)(1, 2, 3),
        mapped,
        type("BytesSub", (bytes,), {})(b"a bytes subclass"),
        type("BytearraySub", (bytearray,), {})(b"a bytearray subclass"),
        memoryview(b""),
        memoryview(b"")[::2],
    ]


def test_buffers_of_every_kind_hash_as_their_bytes(impl: ModuleType) -> None:
    """Any C-contiguous buffer hashes as its bytes, whatever its shape or item type.
    Native fix (exported_buffer.rs): a 0-dimensional buffer (a ctypes scalar) was
    "BufferError: shape is null" (PyO3's check); hashlib, and the twin, hash it."""
    aio = aio_module(impl)
    for obj in buffers():
        data = raw_bytes(obj)
        assert impl.hashing.blake3_digest(obj) == impl.hashing.blake3_digest(data), obj
        assert impl.hashing.blake3(obj).digest() == impl.hashing.blake3_digest(data), obj
        assert impl.hashing.xxh3_64(obj) == impl.hashing.xxh3_64(data), obj
        assert impl.hashing.xxh3_128_hasher(obj).intdigest() == impl.hashing.xxh3_128(data), obj
        assert awaited(aio.blake3_digest(obj)) == impl.hashing.blake3_digest(data), obj
        key = impl.hashing.blake3_digest(obj)  # 32 bytes, as a key of another kind
        assert impl.hashing.blake3_digest(b"m", key=bytearray(key)) == impl.hashing.blake3_digest(
            b"m", key=key
        )
    strided = memoryview(b"abcdef")[::2]
    for call in (impl.hashing.blake3_digest, impl.hashing.xxh3_64, impl.hashing.blake3):
        assert outcome_of(call, strided) == ("BufferError", "buffer is not C-contiguous")
    for call in (impl.hashing.blake3_digest, impl.hashing.xxh3_64):
        assert outcome_of(call, 5) == ("TypeError", "a bytes-like object is required, not 'int'")
        assert outcome_of(call, LyingStr("x")) == (
            "TypeError",
            "Strings must be encoded before hashing",
        )


needs_buffer_dunder = pytest.mark.skipif(
    sys.version_info < (3, 12), reason="Python classes export buffers from 3.12 (PEP 688)"
)


class PythonBuffer:
    """A Python class with ``__buffer__`` (PEP 688): a memoryview of ``data``, or raises
    or returns ``data`` itself when ``mode`` says so; counts exports and releases."""

    def __init__(self, data: Any, mode: str = "memoryview") -> None:
        self.data = data
        self.mode = mode
        self.exports = 0
        self.releases = 0

    def __buffer__(self, flags: int) -> Any:
        self.exports += 1
        if self.mode == "raise":
            raise HostileError("__buffer__")
        if self.mode == "type-error":
            raise TypeError("my own TypeError")
        if self.mode == "object":
            return self.data
        return memoryview(self.data)

    def __release_buffer__(self, view: memoryview) -> None:
        self.releases += 1
        view.release()


def buffer_error() -> str:
    """CPython's message for a ``__buffer__`` that returned a non-memoryview (worded
    differently from 3.15)."""
    try:
        memoryview(PythonBuffer(b"x" * 32, "object"))
    except TypeError as error:
        return str(error)
    raise AssertionError("memoryview() accepted a non-memoryview")


@needs_buffer_dunder
def test_python_buffer_classes(impl: ModuleType) -> None:
    """A class's ``__buffer__`` is called once per call on both backends, sync and
    awaitable (the twin's awaitables called it twice, once before the arguments were
    checked), its result is checked by CPython (its own message), its exceptions propagate
    unchanged (the twin replaced a TypeError by its own), and every export is released."""
    aio = aio_module(impl)
    calls: list[Callable[[Any], Any]] = [
        impl.hashing.blake3_digest,
        impl.hashing.blake3_hexdigest,
        impl.hashing.xxh3_64,
        impl.hashing.xxh3_128,
        lambda obj: impl.hashing.blake3().update(obj).digest(),
        lambda obj: impl.hashing.xxh3_64_hasher().update(obj).intdigest(),
        lambda obj: impl.hashing.blake3_digest(b"m", key=obj),
        lambda obj: awaited(aio.blake3_digest(obj)),
        lambda obj: awaited(aio.blake3_hexdigest(obj, length=40)),
    ]
    for index, call in enumerate(calls):
        for data in (b"x" * 32, bytearray(b"y" * 32), array.array("I", range(8))):
            obj = PythonBuffer(data)
            assert outcome_of(call, obj) == outcome_of(call, raw_bytes(data)), index
            assert (obj.exports, obj.releases) == (1, 1), index
        for mode, expected in (
            ("raise", ("HostileError", "__buffer__")),
            ("type-error", ("TypeError", "my own TypeError")),
            ("object", ("TypeError", buffer_error())),
        ):
            obj = PythonBuffer(b"x" * 32, mode)
            assert outcome_of(call, obj) == expected, (index, mode)
            assert obj.exports == 1, (index, mode)
    # Checked in the native order: the key's export before the data's.
    obj = PythonBuffer(b"x")
    assert outcome_of(impl.hashing.blake3_digest, obj, key=b"short") == (
        "ValueError",
        "expected a 32-byte key, found 5",
    )
    assert obj.exports == 0
    outcome_of(awaited, aio.blake3_digest(obj, key=b"short"))
    assert obj.exports == 0


def test_exports_are_released_on_every_error_path(impl: ModuleType) -> None:
    """Found by the fuzz harness (twin fix, fallback/hashing.py _digest_job): an awaitable
    whose length was too large kept the input's export, a PickleBuffer of a memoryview, in
    the failed task's reference cycle, and CPython's collector (3.11, 3.12) crashed
    clearing it. Every error path releases the export at once; in a child, so that a crash
    fails this test only."""
    body = """
    import gc

    def fresh():
        return memoryview(bytearray(b"x" * 64))  # garbage once the call fails

    for _ in range(5):
        for call in (
            lambda: M.hashing.blake3_digest(fresh(), length=2**63),
            lambda: asyncio.run(A.blake3_digest(fresh(), length=2**63)),
            lambda: asyncio.run(A.blake3_hexdigest(fresh(), length=2**63)),
            lambda: asyncio.run(A.blake3_digest(fresh()[::2])),
            lambda: M.hashing.blake3(fresh()).update(fresh()[::2]),
        ):
            try:
                call()
            except (OverflowError, BufferError):
                pass
            gc.collect()
    view = fresh()
    for call in (
        lambda: asyncio.run(A.blake3_digest(view, length=2**63)),
        lambda: M.hashing.blake3_digest(view, key=view),
    ):
        try:
            call()
        except (OverflowError, ValueError):
            pass
    view.release()  # no export is left behind
    print(json.dumps("ok"))
    """
    assert run_child(impl, body) == "ok"


# --- 6. Buffers sized by the input: MemoryError under a memory limit -----------------------

AIO_IMPORT: Final = """
import asyncio
A = importlib.import_module(
    "covet_rust_core._aio_native" if M.__name__.endswith("_native")
    else "covet_rust_core.fallback.aio"
)


async def kept(awaitable):
    # An empty value of the result's type: asyncio.run on CPython 3.11 reprs the main
    # task's result when it finishes (signal.getsignal of its SIGINT partial), which
    # takes seconds for a result of hundreds of MiB.
    return type(await awaitable)()
"""


@pytest.mark.parametrize(
    "call",
    [
        "M.hashing.blake3_digest(b'x', length=1 << 40)",
        "M.hashing.blake3_hexdigest(b'x', length=1 << 40)",
        "M.hashing.blake3(b'x').digest(1 << 40)",
        "M.hashing.blake3(b'x').hexdigest(length=1 << 40)",
        "M.hashing.blake3_file('/', length=1 << 40)",
        "asyncio.run(kept(A.blake3_digest(b'x', length=1 << 40)))",
        "asyncio.run(kept(A.blake3_hexdigest(b'x', length=1 << 40)))",
        "asyncio.run(kept(A.blake3_file('/', length=1 << 40)))",
        # Input copies: a context or a path larger than what is left.
        "M.hashing.blake3_digest(b'x', derive_key_context=TEXT)",
        "M.hashing.blake3(derive_key_context=TEXT)",
        "M.hashing.blake3_file(TEXT)",
        "asyncio.run(kept(A.blake3_digest(b'x', derive_key_context=TEXT)))",
        "asyncio.run(kept(A.blake3_file(TEXT)))",
    ],
)
def test_buffers_sized_by_the_input_raise_memory_error(impl: ModuleType, call: str) -> None:
    """An output or a copy that cannot be allocated is MemoryError on both backends.
    (``TEXT`` is a 1 GiB str, made in the child after the limit was set: a copy of it, or
    its encoding, cannot fit in what is left. The file is opened only after the digest is
    allocated, so ``/`` is never read.)"""
    setup = "TEXT = 'x' * (1 << 30)\n" if "TEXT" in call else ""
    snippet = AIO_IMPORT + setup + f"report(lambda: {call})\n"
    assert outcome(impl, snippet) == "MemoryError"


@pytest.mark.parametrize(
    "call",
    [
        "M.hashing.blake3_hexdigest(b'x', length=LENGTH)",
        "M.hashing.blake3(b'x').hexdigest(length=LENGTH)",
        "asyncio.run(kept(A.blake3_digest(b'x', length=LENGTH)))",
        "asyncio.run(kept(A.blake3_hexdigest(b'x', length=LENGTH)))",
    ],
)
@pytest.mark.parametrize("mebibytes", [300, 600])
def test_long_outputs_near_the_limit(impl: ModuleType, call: str, mebibytes: int) -> None:
    """Outputs whose digest fits but whose hex text (or Python copy) may not: MemoryError
    or the result, never an abort or a panic. Natively the hex text went through
    PyString::new and the awaitable's bytes through PyBytes::new, which panic when CPython
    cannot allocate (the awaitable's panic, on a tokio worker, left the future pending
    forever)."""
    if not is_native(impl):
        pytest.skip("the twin computes a 300 MiB output in pure Python for hours")
    snippet = AIO_IMPORT + f"LENGTH = {mebibytes} << 20\nreport(lambda: {call})\n"
    assert outcome(impl, snippet) in ("MemoryError", "ok str", "ok bytes")


def test_a_thread_pool_that_cannot_start(impl: ModuleType) -> None:
    """``max_threads=AUTO`` when no thread can be started (the address space is full):
    natively the pool build failed with a PanicException ("building a rayon thread
    pool"); now the work stays on the calling thread, as ``max_threads`` is a bound."""
    if not is_native(impl):
        pytest.skip("the twin validates max_threads and hashes on the calling thread")
    snippet = f"""
    data = bytes(2 << 20)  # threads are used from 2 MiB (crates/covet-core/src/hashing/threads.rs)
    held = {{}}
    for size in (32 << 20, 1 << 20, 64 << 10):
        held[size] = []
        try:
            while True:
                held[size].append(bytearray(size))
        except MemoryError:
            pass
    # Less than 64 KiB is left. One 1 MiB block given back is room for small objects, never
    # for a thread's 2 MiB stack, whatever the layout: with only the last 1 MiB block given
    # back (up to 2 MiB left), a stack could fit and the thread then die in glibc, which
    # aborts when it cannot allocate a new thread's TLS block.
    held[1 << 20].pop()
    hexdigest = M.hashing.blake3_hexdigest
    report(lambda: hexdigest(data, max_threads=M.hashing.AUTO) == {ZEROS[2 << 20]!r} or 1 / 0)
    """
    assert outcome(impl, textwrap.dedent(snippet)) == "ok bool"


def test_a_file_larger_than_the_address_space(impl: ModuleType, tmp_path: Path) -> None:
    """A 1 GiB file under a 512 MB address-space limit cannot be mapped: it is read in
    blocks (a buffer allocated fallibly) instead, and hashed correctly."""
    if not is_native(impl):
        pytest.skip("the twin reads in 1 MiB chunks and hashes 1 GiB for about ten minutes")
    path = tmp_path / "sparse.bin"
    with path.open("wb") as file:
        file.truncate(1 << 30)
    snippet = (
        f"report(lambda: M.hashing.blake3_file({str(path)!r}).hex() == {ZEROS[1 << 30]!r} or 1 / 0)"
    )
    assert outcome(impl, snippet, limit=512 << 20) == "ok bool"
