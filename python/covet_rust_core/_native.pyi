"""Stub for the compiled extension ``covet_rust_core._native`` (src/lib.rs)."""

import os
from collections.abc import Callable
from typing import Any, Final, Literal, final

from typing_extensions import Buffer, Self

from covet_rust_core._json_errors import JSONDecodeError as JSONDecodeError
from covet_rust_core._json_errors import JSONEncodeError as JSONEncodeError

__all__ = [
    "AUTO",
    "JSONDecodeError",
    "JSONEncodeError",
    "__version__",
    "blake3",
    "blake3_digest",
    "blake3_file",
    "blake3_hexdigest",
    "build_profile",
    "dumps",
    "dumps_str",
    "loads",
    "native_info",
    "xxh3_64",
    "xxh3_64_digest",
    "xxh3_64_hasher",
    "xxh3_64_hexdigest",
    "xxh3_128",
    "xxh3_128_digest",
    "xxh3_128_hasher",
    "xxh3_128_hexdigest",
]

__version__: Final[str]
build_profile: Final[str]
AUTO: Final[int]

def native_info() -> dict[str, Any]:
    """Build and CPU facts: version, profile, opt_level, debug_assertions, is_debug_build,
    rustc, target, pyo3, python_abi, free_threaded_build, cpu_features."""

@final
class blake3:
    name: Final = "blake3"
    digest_size: Final = 32
    block_size: Final = 64
    key_size: Final = 32
    AUTO: Final = -1
    def __new__(
        cls,
        data: Buffer | None = None,
        /,
        *,
        key: Buffer | None = None,
        derive_key_context: str | None = None,
        max_threads: int = 1,
        usedforsecurity: bool = True,
    ) -> Self: ...
    def update(self, data: Buffer, /) -> Self: ...
    def digest(self, length: int = 32, *, seek: int = 0) -> bytes: ...
    def hexdigest(self, length: int = 32, *, seek: int = 0) -> str: ...
    def copy(self) -> Self: ...
    def reset(self) -> None: ...

def blake3_digest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> bytes: ...
def blake3_hexdigest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> str: ...
def blake3_file(
    path: str | bytes | os.PathLike[str] | os.PathLike[bytes],
    *,
    max_threads: int = 1,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
) -> bytes: ...
def xxh3_64(data: Buffer, seed: int | None = None) -> int: ...
def xxh3_64_digest(data: Buffer, seed: int | None = None) -> bytes: ...
def xxh3_64_hexdigest(data: Buffer, seed: int | None = None) -> str: ...
def xxh3_128(data: Buffer, seed: int | None = None) -> int: ...
def xxh3_128_digest(data: Buffer, seed: int | None = None) -> bytes: ...
def xxh3_128_hexdigest(data: Buffer, seed: int | None = None) -> str: ...

@final
class xxh3_64_hasher:
    name: Final = "XXH3_64"
    digest_size: Final = 8
    block_size: Final = 32
    def __new__(cls, data: Buffer | None = None, seed: int | None = None) -> Self: ...
    @property
    def seed(self) -> int: ...
    def update(self, data: Buffer) -> Self: ...
    def intdigest(self) -> int: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...
    def copy(self) -> Self: ...
    def reset(self) -> None: ...

@final
class xxh3_128_hasher:
    name: Final = "XXH3_128"
    digest_size: Final = 16
    block_size: Final = 64
    def __new__(cls, data: Buffer | None = None, seed: int | None = None) -> Self: ...
    @property
    def seed(self) -> int: ...
    def update(self, data: Buffer) -> Self: ...
    def intdigest(self) -> int: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...
    def copy(self) -> Self: ...
    def reset(self) -> None: ...

# JSON (src/json/, contract in docs/JSON.md)

def dumps(
    obj: Any,
    /,
    *,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    indent: int | None = None,
    non_str_keys: bool = False,
    nan: Literal["error", "null"] = "error",
    append_newline: bool = False,
) -> bytes:
    """Serialize ``obj`` to compact JSON as UTF-8 ``bytes``."""

def dumps_str(
    obj: Any,
    /,
    *,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    indent: int | None = None,
    non_str_keys: bool = False,
    nan: Literal["error", "null"] = "error",
    append_newline: bool = False,
) -> str:
    """Like ``dumps``, returning ``str``."""

def loads(data: str | Buffer, /) -> Any:
    """Parse a JSON document (strict RFC 8259) from ``str`` or UTF-8 bytes."""
