"""Stub for ``covet_rust_core._native.hashing`` (crates/covet-python/src/hashing/):
the names and signatures of its twin ``covet_rust_core.fallback.hashing``."""

import os
from typing import Final, Self, final

from typing_extensions import Buffer

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

AUTO: Final[int]

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
