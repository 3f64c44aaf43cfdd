"""The pure-Python twin of ``covet_rust_core.aio``: the twin's sync functions in
``asyncio.to_thread``, with the same arguments, results and exceptions.

The twin holds the GIL while it computes, so the event loop is interleaved with the work
(every switch interval), not freed from it (docs/AIO.md).
"""

from __future__ import annotations

import asyncio
import datetime
import os
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Buffer

from covet_rust_core.fallback import hashing, jwt
from covet_rust_core.fallback.jwt import Key as _JwtKey
from covet_rust_core.fallback.jwt import KeySet as _JwtKeySet

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
    """``hashing.blake3_digest`` in ``asyncio.to_thread``: the arguments are checked on the
    loop, as natively, and the input's buffer export is held until the work is done, so
    that (as natively) the object cannot be resized or released meanwhile."""
    run, export = hashing._digest_job(
        data,
        length=length,
        seek=seek,
        key=key,
        derive_key_context=derive_key_context,
        max_threads=max_threads,
    )
    try:
        return await asyncio.to_thread(run)
    finally:
        if export is not None:
            export.release()


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
    """``hashing.blake3_hexdigest`` in ``asyncio.to_thread`` (see ``blake3_digest``)."""
    digest = await blake3_digest(
        data,
        length=length,
        seek=seek,
        key=key,
        derive_key_context=derive_key_context,
        max_threads=max_threads,
    )
    return digest.hex()


async def blake3_file(
    path: str | bytes | os.PathLike[str] | os.PathLike[bytes],
    *,
    max_threads: int = 1,
    length: int = 32,
    seek: int = 0,
    key: Buffer | None = None,
    derive_key_context: str | None = None,
) -> bytes:
    """``hashing.blake3_file`` in ``asyncio.to_thread``: the arguments (the path's
    ``__fspath__`` included) are checked on the loop, as natively; the file is opened and
    hashed in the worker thread."""
    run = hashing._file_job(
        path,
        max_threads=max_threads,
        length=length,
        seek=seek,
        key=key,
        derive_key_context=derive_key_context,
    )
    return await asyncio.to_thread(run)


async def jwt_encode(
    payload: dict[str, Any],
    key: str | bytes | Mapping[str, Any] | _JwtKey,
    algorithm: str = "HS256",
    headers: dict[str, Any] | None = None,
) -> str:
    """``jwt.encode`` in ``asyncio.to_thread``."""
    return await asyncio.to_thread(jwt.encode, payload, key, algorithm, headers)


async def jwt_decode(  # noqa: PLR0917 - PyJWT's arguments, positional as in the sync form
    token: str | bytes,
    key: str | bytes | Mapping[str, Any] | _JwtKey | _JwtKeySet | None = None,
    algorithms: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | datetime.timedelta = 0,
    max_token_bytes: int = jwt.DEFAULT_MAX_TOKEN_BYTES,
) -> dict[str, Any]:
    """``jwt.decode`` in ``asyncio.to_thread``."""
    return await asyncio.to_thread(
        jwt.decode,
        token,
        key,
        algorithms,
        options,
        audience,
        issuer,
        subject,
        leeway,
        max_token_bytes,
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
    max_token_bytes: int = jwt.DEFAULT_MAX_TOKEN_BYTES,
) -> dict[str, Any]:
    """``jwt.decode_complete`` in ``asyncio.to_thread``."""
    return await asyncio.to_thread(
        jwt.decode_complete,
        token,
        key,
        algorithms,
        options,
        audience,
        issuer,
        subject,
        leeway,
        max_token_bytes,
    )
