"""Stub for ``covet_rust_core._native.aio`` (crates/covet-python/src/aio.rs):
the names and signatures of its twin ``covet_rust_core.fallback.aio``."""

import asyncio
import os
from collections.abc import Collection, Iterable, Mapping
from datetime import timedelta
from typing import Any

from covet_rust_core._native.jwt import Key, _KeyArgument
from typing_extensions import Buffer

__all__ = [
    "blake3_digest",
    "blake3_file",
    "blake3_hexdigest",
    "jwt_decode",
    "jwt_decode_complete",
    "jwt_encode",
]

def blake3_digest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> asyncio.Future[bytes]: ...
def blake3_hexdigest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> asyncio.Future[str]: ...
def blake3_file(
    path: str | bytes | os.PathLike[str] | os.PathLike[bytes],
    *,
    max_threads: int = 1,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
) -> asyncio.Future[bytes]: ...
def jwt_encode(
    payload: dict[str, Any],
    key: str | bytes | Mapping[str, Any] | Key,
    algorithm: str = "HS256",
    headers: dict[str, Any] | None = None,
) -> asyncio.Future[str]: ...
def jwt_decode(
    token: str | bytes,
    key: _KeyArgument | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_token_bytes: int = 262144,
) -> asyncio.Future[dict[str, Any]]: ...
def jwt_decode_complete(
    token: str | bytes,
    key: _KeyArgument | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_token_bytes: int = 262144,
) -> asyncio.Future[dict[str, Any]]: ...
