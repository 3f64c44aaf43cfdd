"""Awaitable native work for asyncio servers, from the backend the detector chose
(the contract: docs/AIO.md).

>>> import asyncio
>>> from covet_rust_core import aio
>>> asyncio.run(aio.blake3_hexdigest(b"abc"))[:16]
'6437b3ac38465133'

* ``blake3_digest`` / ``blake3_hexdigest`` / ``blake3_file``: hashing on a covet worker
  thread with the GIL released (inputs under 256 KiB are hashed inline: cheaper than the
  hand-off).
* ``jwt_encode`` / ``jwt_decode`` / ``jwt_decode_complete``: signing and verifying on a
  covet worker thread for the asymmetric algorithms; HMAC tokens are handled inline.
* ``JWKSClient``: ``jwt.PyJWKClient``'s methods as coroutines; the key set is fetched in a
  worker thread, once for all the lookups that miss the cache together.

Same arguments, results and exceptions as the sync forms in ``covet_rust_core.hashing`` and
``covet_rust_core.jwt``. Native: a tokio runtime of one thread per CPU, created on first use
and rebuilt in a child after ``os.fork()``. Fallback: the twin in ``asyncio.to_thread``,
which holds the GIL while it works.
"""

from __future__ import annotations

from covet_rust_core._backend import SELECTION, export_module

if SELECTION.native is not None:
    from covet_rust_core import _aio_native as _implementation
else:
    from covet_rust_core.fallback import aio as _implementation  # type: ignore[no-redef]

BACKEND = SELECTION.backend

# The native side is _aio_native (coroutine functions over _native.aio), not _native.aio.
__all__ = ["BACKEND", *export_module(_implementation, globals())]  # noqa: PLE0604

# The JWKS client, in Python over whichever implementation runs (covet_rust_core._jwks).
from covet_rust_core._jwks import JWKSClient  # noqa: E402

__all__ += ["JWKSClient"]
