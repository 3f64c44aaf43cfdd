"""The native side of ``covet_rust_core.aio``: coroutines over the extension's ``aio_*``
functions, which check their arguments on the calling thread and return an asyncio future
that a covet worker thread completes (docs/AIO.md).

The coroutine layer exists so that these are true ``async def`` functions: usable with
``asyncio.create_task``, and raising argument errors when awaited, not when called.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Buffer

from covet_rust_core import _native
from covet_rust_core._native import JWT_DEFAULT_MAX_TOKEN_BYTES
from covet_rust_core._native import JwtKey as _JwtKey
from covet_rust_core._native import JwtKeySet as _JwtKeySet

__all__ = [
    "blake3_digest",
    "blake3_file",
    "blake3_hexdigest",
    "jwt_decode",
    "jwt_decode_complete",
    "jwt_encode",
]


async def blake3_digest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> bytes:
    """``hashing.blake3_digest`` on a covet worker thread."""
    return await _native.aio_blake3_digest(
        data,
        length=length,
        seek=seek,
        key=key,
        derive_key_context=derive_key_context,
        max_threads=max_threads,
    )


async def blake3_hexdigest(
    data: Buffer,
    /,
    *,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
    max_threads: int = 1,
) -> str:
    """``hashing.blake3_hexdigest`` on a covet worker thread."""
    return await _native.aio_blake3_hexdigest(
        data,
        length=length,
        seek=seek,
        key=key,
        derive_key_context=derive_key_context,
        max_threads=max_threads,
    )


async def blake3_file(
    path: str | bytes | os.PathLike[str] | os.PathLike[bytes],
    *,
    max_threads: int = 1,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
) -> bytes:
    """``hashing.blake3_file`` on a covet worker thread."""
    return await _native.aio_blake3_file(
        path,
        max_threads=max_threads,
        length=length,
        seek=seek,
        key=key,
        derive_key_context=derive_key_context,
    )


async def jwt_encode(
    payload: dict[str, Any],
    key: str | bytes | Mapping[str, Any] | _JwtKey,
    algorithm: str = "HS256",
    headers: dict[str, Any] | None = None,
) -> str:
    """``jwt.encode``, signing on a covet worker thread."""
    return await _native.aio_jwt_encode(payload, key, algorithm, headers)


async def jwt_decode(  # noqa: PLR0917 - PyJWT's arguments, positional as in the sync form
    token: str | bytes,
    key: str | bytes | Mapping[str, Any] | _JwtKey | _JwtKeySet | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | datetime.timedelta = 0,
    max_token_bytes: int = JWT_DEFAULT_MAX_TOKEN_BYTES,
) -> dict[str, Any]:
    """``jwt.decode``, verifying the signature on a covet worker thread."""
    return await _native.aio_jwt_decode(
        token, key, algorithms, options, audience, issuer, subject, leeway, max_token_bytes
    )


async def jwt_decode_complete(  # noqa: PLR0917 - PyJWT's arguments, as in the sync form
    token: str | bytes,
    key: str | bytes | Mapping[str, Any] | _JwtKey | _JwtKeySet | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | datetime.timedelta = 0,
    max_token_bytes: int = JWT_DEFAULT_MAX_TOKEN_BYTES,
) -> dict[str, Any]:
    """``jwt.decode_complete``, verifying the signature on a covet worker thread."""
    return await _native.aio_jwt_decode_complete(
        token, key, algorithms, options, audience, issuer, subject, leeway, max_token_bytes
    )
