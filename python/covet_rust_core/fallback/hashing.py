"""Pure-Python twin of the native hashing API (crates/covet-python/src/hashing/binding.rs).

Same names, signatures, results and exception types as ``covet_rust_core._native``; the
algorithms live in ``_blake3`` and ``_xxh3``. It is far slower than the native side (measured:
43x for XXH3 on 64 bytes, 2300x for BLAKE3 on 4 KiB), which is the honest reason the
detector is loud about falling back to it.
``max_threads`` is validated like the native side and then ignored: this twin always
hashes on the calling thread.

The caller's objects are typed by ``type(x)``, never ``isinstance``: the native side asks
CPython for the object's real type, and ``isinstance`` would consult a ``__class__`` that
can lie.

Hasher objects hold a lock, as the native ones hold a mutex (and hashlib's a lock): the
GIL alone does not make a multi-step ``update`` atomic, and threads sharing one hasher
would otherwise corrupt its state.
"""

from __future__ import annotations

import errno
import operator
import os
import pickle
import stat
import threading
from collections.abc import Callable
from typing import Any, ClassVar, Final, cast

from covet_rust_core.fallback._blake3 import MAX_BYTES_LENGTH, Blake3State
from covet_rust_core.fallback._xxh3 import MASK64, Xxh3State
from covet_rust_core.fallback._xxh3 import xxh3_64 as _xxh3_64_int
from covet_rust_core.fallback._xxh3 import xxh3_128 as _xxh3_128_int

__all__ = [
    "AUTO",
    "blake3",
    "blake3_digest",
    "blake3_file",
    "blake3_hexdigest",
    "xxh3_64",
    "xxh3_64_digest",
    "xxh3_64_hasher",
    "xxh3_64_hexdigest",
    "xxh3_128",
    "xxh3_128_digest",
    "xxh3_128_hasher",
    "xxh3_128_hexdigest",
]

AUTO: Final = -1
_KEY_LEN: Final = 32
_OUT_LEN: Final = 32
_I64_MIN: Final = -(1 << 63)
_I64_MAX: Final = (1 << 63) - 1
_FILE_CHUNK: Final = 1 << 20
# Regular files from this size on are hashed as the bytes they held when opened (the native
# side maps them: crates/covet-core/src/hashing/blake3.rs MAP_MIN_BYTES); smaller files and
# pipes to their end.
_MAP_MIN_BYTES: Final = 16 * 1024
_SHRANK: Final = "file shrank while it was hashed"


def _export(data: object) -> memoryview:
    """A held buffer export of ``data`` (not bytes, not str), as PyObject_GetBuffer makes it
    natively: the exporter's own errors (a ``__buffer__`` that raises or returns a
    non-memoryview) propagate; an object without the buffer protocol gets the native text,
    without memoryview's prefix.

    The caller releases it on every path (``with``, ``finally``), never the garbage
    collector: on CPython 3.11 and 3.12 a PickleBuffer holding a memoryview's export, left
    in cyclic garbage, crashes the collector (fixed in 3.13)."""
    try:
        if type(data) is memoryview:
            # memoryview(view) shares view's buffer without an export of view itself, which
            # would let view.release() succeed while the copy is in use; PickleBuffer
            # exports it (the native side's PyObject_GetBuffer on a memoryview does too).
            return memoryview(pickle.PickleBuffer(data))
        return memoryview(data)  # type: ignore[arg-type]
    except TypeError as error:
        name = type(data).__name__
        if str(error) != f"memoryview: a bytes-like object is required, not '{name}'":
            raise
        msg = f"a bytes-like object is required, not '{name}'"
        raise TypeError(msg) from None


def _contiguous(view: memoryview) -> memoryview:
    """``view`` when it is C-contiguous, else (released) the native side's BufferError. An
    empty buffer is contiguous whatever its strides, as PyBuffer_IsContiguous (the native
    side's test) says; hashlib refuses an empty strided memoryview."""
    if not view.c_contiguous and view.nbytes:
        view.release()
        msg = "buffer is not C-contiguous"
        raise BufferError(msg)
    return view


def _held_input(data: object) -> bytes | memoryview:
    """The bytes of a C-contiguous buffer without a copy: ``data`` itself for ``bytes``, else
    a held export (the caller releases it), which the awaitable forms keep while a worker
    thread hashes so that the object cannot be resized meanwhile. The native side's errors."""
    if type(data) is bytes:
        return data
    if issubclass(type(data), str):
        msg = "Strings must be encoded before hashing"
        raise TypeError(msg)
    return _contiguous(_export(data))


def _input_bytes(data: object) -> bytes:
    """The bytes of a C-contiguous buffer, copied, with the native side's errors."""
    if type(data) is bytes:
        return data
    if issubclass(type(data), str):
        msg = "Strings must be encoded before hashing"
        raise TypeError(msg)
    with _contiguous(_export(data)) as view:
        return view.tobytes()


def _unsigned(value: object, bits: int) -> int:
    """An int argument the native side extracts as an unsigned ``bits``-bit integer."""
    number = operator.index(value)  # type: ignore[arg-type]
    if number < 0:
        msg = "can't convert negative int to unsigned"
        raise OverflowError(msg)
    if number >> bits:
        msg = "int too big to convert"
        raise OverflowError(msg)
    return number


def _i64(value: object) -> int:
    """An int argument the native side extracts as a signed 64-bit integer."""
    number = operator.index(value)  # type: ignore[arg-type]
    if not _I64_MIN <= number <= _I64_MAX:
        msg = "Python int too large to convert to C long"
        raise OverflowError(msg)
    return number


def _threads(max_threads: object) -> int:
    number = _i64(max_threads)
    if number != AUTO and number < 1:
        msg = f"max_threads must be a positive integer or AUTO (-1), not {number}"
        raise ValueError(msg)
    return number


def _new_state(key: object, derive_key_context: object) -> Blake3State:
    if key is not None and derive_key_context is not None:
        msg = "cannot use key and derive_key_context at the same time"
        raise ValueError(msg)
    if key is not None:
        key_bytes = _input_bytes(key)
        if len(key_bytes) != _KEY_LEN:
            msg = f"expected a {_KEY_LEN}-byte key, found {len(key_bytes)}"
            raise ValueError(msg)
        return Blake3State.new_keyed(key_bytes)
    if derive_key_context is not None:
        if not issubclass(type(derive_key_context), str):
            msg = f"derive_key_context must be a str, not {type(derive_key_context).__name__}"
            raise TypeError(msg)
        context = cast("str", derive_key_context)
        # Like the native side: a lone surrogate raises UnicodeEncodeError. Encoded through
        # str itself: a subclass's encode() is not what is hashed.
        str.encode(context, "utf-8")
        return Blake3State.new_derive_key(context)
    return Blake3State.new()


def _check_flag(value: object) -> None:
    """PyO3's check of a ``bool`` argument, with its words: the type's qualified name, and
    None named as itself."""
    if type(value) is not bool:
        if value is None:
            msg = "'None' is not an instance of 'bool'"
        else:
            msg = f"'{type(value).__qualname__}' object is not an instance of 'bool'"
        raise TypeError(msg)


class blake3:  # noqa: N801 - hashlib's naming, as the native class
    """An incremental BLAKE3 hasher with the interface of hashlib objects."""

    name: Final = "blake3"
    digest_size: Final = _OUT_LEN
    block_size: Final = 64
    key_size: Final = _KEY_LEN
    AUTO: Final = AUTO

    def __init__(
        self,
        data: Any = None,
        /,
        *,
        key: Any = None,
        derive_key_context: Any = None,
        max_threads: int = 1,
        usedforsecurity: bool = True,
    ) -> None:
        # Converted in signature order, as the native side's arguments are; then checked.
        _i64(max_threads)
        _check_flag(usedforsecurity)
        self._state = _new_state(key, derive_key_context)
        _threads(max_threads)
        self._max_threads = max_threads
        self._lock = threading.Lock()
        if data is not None:
            self._state.update(_input_bytes(data))

    def update(self, data: Any, /) -> blake3:
        chunk = _input_bytes(data)
        with self._lock:
            self._state.update(chunk)
        return self

    def digest(self, length: int = _OUT_LEN, *, seek: int = 0) -> bytes:
        length, seek = _unsigned(length, 64), _unsigned(seek, 64)
        with self._lock:
            return self._state.finalize(length, seek)

    def hexdigest(self, length: int = _OUT_LEN, *, seek: int = 0) -> str:
        return self.digest(length, seek=seek).hex()

    def copy(self) -> blake3:
        twin = object.__new__(blake3)
        with self._lock:
            twin._state = self._state.copy()
        twin._max_threads = self._max_threads
        twin._lock = threading.Lock()
        return twin

    def reset(self) -> None:
        with self._lock:
            self._state.reset()


def _digest_job(
    data: object,
    *,
    length: object,
    seek: object,
    key: object,
    derive_key_context: object,
    max_threads: object,
) -> tuple[Callable[[], bytes], memoryview | None]:
    """``blake3_digest``'s checks, in the native order (the arguments converted in signature
    order, then the key or context, the thread count and the input), and the work left: a
    function computing the digest, and the export it reads (None for ``bytes``), which the
    caller releases once the function has run."""
    length = _unsigned(length, 64)
    seek = _unsigned(seek, 64)
    max_threads = _i64(max_threads)
    state = _new_state(key, derive_key_context)
    _threads(max_threads)
    payload = _held_input(data)
    if length > MAX_BYTES_LENGTH:
        # Released now, not by the garbage collector: an export left in a reference cycle
        # (an exception's traceback, an asyncio task) can crash CPython's collector when it
        # clears the exporting memoryview before the PickleBuffer that holds it.
        if type(payload) is memoryview:
            payload.release()
        msg = "byte string is too large"
        raise OverflowError(msg)

    def run() -> bytes:
        # A copy, not views of the export: a view left in a traceback would keep the
        # export (and its PickleBuffer) alive past the release, into cyclic garbage.
        state.update(payload.tobytes() if isinstance(payload, memoryview) else payload)
        return state.finalize(length, seek)

    return run, (payload if type(payload) is memoryview else None)


def blake3_digest(
    data: Any,
    /,
    *,
    length: int = _OUT_LEN,
    seek: int = 0,
    key: Any = None,
    derive_key_context: Any = None,
    max_threads: int = 1,
) -> bytes:
    """BLAKE3 of ``data`` in one call."""
    run, export = _digest_job(
        data,
        length=length,
        seek=seek,
        key=key,
        derive_key_context=derive_key_context,
        max_threads=max_threads,
    )
    try:
        return run()
    finally:
        if export is not None:
            export.release()


def blake3_hexdigest(
    data: Any,
    /,
    *,
    length: int = _OUT_LEN,
    seek: int = 0,
    key: Any = None,
    derive_key_context: Any = None,
    max_threads: int = 1,
) -> str:
    """``blake3_digest(...)`` as lowercase hex."""
    return blake3_digest(
        data,
        length=length,
        seek=seek,
        key=key,
        derive_key_context=derive_key_context,
        max_threads=max_threads,
    ).hex()


def _fs_name(path: object) -> str | bytes:
    """``os.fspath(path)`` (CPython checks what ``__fspath__`` returns: str or bytes,
    subclasses included), after CPython's NUL check, read through the base types as the
    native side reads them: a subclass's ``encode`` or ``__contains__`` is not called."""
    name = os.fspath(path)  # type: ignore[call-overload]
    encoded = os.fsencode(str.__str__(name)) if issubclass(type(name), str) else name
    if bytes.find(encoded, b"\0") != -1:
        msg = "embedded null byte"
        raise ValueError(msg)
    return name  # type: ignore[no-any-return]


def _file_job(
    path: object,
    *,
    max_threads: object,
    length: object,
    seek: object,
    key: object,
    derive_key_context: object,
) -> Callable[[], bytes]:
    """``blake3_file``'s checks, in the native order (the arguments converted in signature
    order, then the key or context, the thread count, the path and the length), and the
    work left: allocating the digest, opening the file and hashing it."""
    max_threads = _i64(max_threads)
    length = _unsigned(length, 64)
    seek = _unsigned(seek, 64)
    state = _new_state(key, derive_key_context)
    _threads(max_threads)
    name = _fs_name(path)
    if length > MAX_BYTES_LENGTH:
        msg = "byte string is too large"
        raise OverflowError(msg)

    def run() -> bytes:
        del bytearray(length)[:]  # MemoryError now when the length cannot be allocated
        # Unbuffered: every read is one read(2), as natively.
        with open(name, "rb", buffering=0) as file:  # noqa: PTH123 - a str or bytes name, as given
            _hash_open_file(file, state, name)
        return state.finalize(length, seek)

    return run


def _hash_open_file(file: Any, state: Blake3State, name: str | bytes) -> None:
    """A regular file of ``_MAP_MIN_BYTES`` or more as the bytes it held when it was opened
    (its size then): OSError(EIO) when some are gone by the time they are read; anything
    else to its end (crates/covet-core/src/hashing/blake3.rs hash_file)."""
    info = os.fstat(file.fileno())
    if stat.S_ISREG(info.st_mode) and info.st_size >= _MAP_MIN_BYTES:
        left = info.st_size
        while left:
            chunk = file.read(min(left, _FILE_CHUNK))
            if not chunk:
                raise OSError(errno.EIO, _SHRANK, name)
            state.update(chunk)
            left -= len(chunk)
        return
    while chunk := file.read(_FILE_CHUNK):
        state.update(chunk)


def blake3_file(
    path: Any,
    *,
    max_threads: int = 1,
    length: int = _OUT_LEN,
    seek: int = 0,
    key: Any = None,
    derive_key_context: Any = None,
) -> bytes:
    """BLAKE3 of the file at ``path``, read in 1 MiB chunks. A regular file of 16 KiB or
    more is hashed as the bytes it held when it was opened; if it shrinks while it is
    hashed, ``OSError(EIO, "file shrank while it was hashed", path)``."""
    run = _file_job(
        path,
        max_threads=max_threads,
        length=length,
        seek=seek,
        key=key,
        derive_key_context=derive_key_context,
    )
    return run()


def _seed(seed: object) -> int:
    """Seeds wrap modulo 2**64 as in the ``xxhash`` package; non-ints are a TypeError. An int
    subclass is read as int (``operator.index`` gives the exact int, whose ``&`` no
    subclass overrides); an object with ``__index__`` is taken when its value fits, and
    what its ``__index__`` raises (or CPython's TypeError for a non-int result) propagates."""
    if seed is None:
        return 0
    if issubclass(type(seed), int):
        return operator.index(cast("int", seed)) & MASK64
    if not hasattr(type(seed), "__index__"):
        msg = f"seed must be an int, not {type(seed).__name__}"
        raise TypeError(msg)
    value = operator.index(seed)  # type: ignore[arg-type]
    if not 0 <= value <= MASK64:
        msg = f"seed must be an int, not {type(seed).__name__}"
        raise TypeError(msg)
    return value


def xxh3_64(data: Any, seed: int | None = None) -> int:
    """XXH3-64 of ``data`` as an int (``xxhash.xxh3_64_intdigest``)."""
    seed_value = _seed(seed)
    return _xxh3_64_int(_input_bytes(data), seed_value)


def xxh3_64_digest(data: Any, seed: int | None = None) -> bytes:
    """XXH3-64 of ``data`` as 8 big-endian bytes."""
    return xxh3_64(data, seed).to_bytes(8, "big")


def xxh3_64_hexdigest(data: Any, seed: int | None = None) -> str:
    """XXH3-64 of ``data`` as 16 hex digits."""
    return f"{xxh3_64(data, seed):016x}"


def xxh3_128(data: Any, seed: int | None = None) -> int:
    """XXH3-128 of ``data`` as an int (``xxhash.xxh3_128_intdigest``)."""
    seed_value = _seed(seed)
    return _xxh3_128_int(_input_bytes(data), seed_value)


def xxh3_128_digest(data: Any, seed: int | None = None) -> bytes:
    """XXH3-128 of ``data`` as 16 big-endian bytes."""
    return xxh3_128(data, seed).to_bytes(16, "big")


def xxh3_128_hexdigest(data: Any, seed: int | None = None) -> str:
    """XXH3-128 of ``data`` as 32 hex digits."""
    return f"{xxh3_128(data, seed):032x}"


class _Xxh3Hasher:
    """Streaming XXH3; the subclasses fix the digest width and names."""

    name: ClassVar[str]
    digest_size: ClassVar[int]
    block_size: ClassVar[int]

    def __init__(self, data: Any = None, seed: int | None = None) -> None:
        self._state = Xxh3State(_seed(seed))
        self._lock = threading.Lock()
        if data is not None:
            self._state.update(_input_bytes(data))

    @property
    def seed(self) -> int:
        return self._state.seed

    def update(self, data: Any) -> Any:
        chunk = _input_bytes(data)
        with self._lock:
            self._state.update(chunk)
        return self

    def intdigest(self) -> int:
        with self._lock:
            return self._digest()

    def _digest(self) -> int:
        raise NotImplementedError

    def digest(self) -> bytes:
        return self.intdigest().to_bytes(self.digest_size, "big")

    def hexdigest(self) -> str:
        return self.digest().hex()

    def copy(self) -> Any:
        twin = object.__new__(type(self))
        with self._lock:
            twin._state = self._state.copy()
        twin._lock = threading.Lock()
        return twin

    def reset(self) -> None:
        with self._lock:
            self._state.reset()


class xxh3_64_hasher(_Xxh3Hasher):  # noqa: N801 - hashlib's naming, as the native class
    """Streaming XXH3-64 (as ``xxhash.xxh3_64``)."""

    name = "XXH3_64"
    digest_size = 8
    block_size = 32

    def _digest(self) -> int:
        return self._state.digest64()


class xxh3_128_hasher(_Xxh3Hasher):  # noqa: N801 - hashlib's naming, as the native class
    """Streaming XXH3-128 (as ``xxhash.xxh3_128``)."""

    name = "XXH3_128"
    digest_size = 16
    block_size = 64

    def _digest(self) -> int:
        return self._state.digest128()
