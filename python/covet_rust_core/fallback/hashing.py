"""Pure-Python twin of the native hashing API (src/hashing/binding.rs).

Same names, signatures, results and exception types as ``covet_rust_core._native``; the
algorithms live in ``_blake3`` and ``_xxh3``. It is far slower than the native side (measured:
43x for XXH3 on 64 bytes, 2300x for BLAKE3 on 4 KiB), which is the honest reason the
detector is loud about falling back to it.
``max_threads`` is validated like the native side and then ignored: this twin always
hashes on the calling thread.

Hasher objects hold a lock, as the native ones hold a mutex (and hashlib's a lock): the
GIL alone does not make a multi-step ``update`` atomic, and threads sharing one hasher
would otherwise corrupt its state.
"""

from __future__ import annotations

import operator
import os
import threading
from typing import Any, ClassVar, Final

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


def _input_bytes(data: object) -> bytes:
    """The bytes of a C-contiguous buffer, with the native side's errors."""
    if type(data) is bytes:
        return data
    if isinstance(data, str):
        msg = "Strings must be encoded before hashing"
        raise TypeError(msg)
    try:
        view = memoryview(data)  # type: ignore[arg-type]
    except TypeError:
        msg = f"a bytes-like object is required, not '{type(data).__name__}'"
        raise TypeError(msg) from None
    with view:
        # An empty buffer is contiguous whatever its strides, as PyBuffer_IsContiguous (the
        # native side's test) says; hashlib refuses an empty strided memoryview.
        if not view.c_contiguous and view.nbytes:
            msg = "buffer is not C-contiguous"
            raise BufferError(msg)
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
        if not isinstance(derive_key_context, str):
            msg = f"derive_key_context must be a str, not {type(derive_key_context).__name__}"
            raise TypeError(msg)
        # Like the native side: a lone surrogate raises UnicodeEncodeError.
        derive_key_context.encode("utf-8")
        return Blake3State.new_derive_key(derive_key_context)
    return Blake3State.new()


def _check_flag(value: object) -> None:
    if not isinstance(value, bool):
        msg = f"'{type(value).__name__}' object is not an instance of 'bool'"
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
    # Converted in signature order, as the native side's arguments are; then checked.
    length = _unsigned(length, 64)
    seek = _unsigned(seek, 64)
    max_threads = _i64(max_threads)
    state = _new_state(key, derive_key_context)
    _threads(max_threads)
    state.update(_input_bytes(data))
    return state.finalize(length, seek)


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


def blake3_file(
    path: Any,
    *,
    max_threads: int = 1,
    length: int = _OUT_LEN,
    seek: int = 0,
    key: Any = None,
    derive_key_context: Any = None,
) -> bytes:
    """BLAKE3 of the file at ``path``, read in 1 MiB chunks."""
    # Converted in signature order, as the native side's arguments are: max_threads first.
    max_threads = _i64(max_threads)
    length = _unsigned(length, 64)
    seek = _unsigned(seek, 64)
    state = _new_state(key, derive_key_context)
    _threads(max_threads)
    # The native side's order: the path is converted (os.fspath, then the file system
    # encoding and CPython's NUL check), then the digest is allocated, then the file opened;
    # so an impossible length fails before a missing file does.
    name = os.fspath(path)
    if b"\0" in os.fsencode(name):
        msg = "embedded null byte"
        raise ValueError(msg)
    if length > MAX_BYTES_LENGTH:
        msg = "byte string is too large"
        raise OverflowError(msg)
    del bytearray(length)[:]  # MemoryError now when the length cannot be allocated
    with open(name, "rb") as file:  # noqa: PTH123 - a str or bytes name, as given
        while chunk := file.read(_FILE_CHUNK):
            state.update(chunk)
    return state.finalize(length, seek)


def _seed(seed: object) -> int:
    """Seeds wrap modulo 2**64 as in the ``xxhash`` package; non-ints are a TypeError."""
    if seed is None:
        return 0
    try:
        value = operator.index(seed)  # type: ignore[arg-type]
    except TypeError:
        msg = f"seed must be an int, not {type(seed).__name__}"
        raise TypeError(msg) from None
    if 0 <= value <= MASK64:
        return value
    if not isinstance(seed, int):
        msg = f"seed must be an int, not {type(seed).__name__}"
        raise TypeError(msg)
    return value & MASK64


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
