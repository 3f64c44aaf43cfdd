# The public awaitables are coroutine functions on either backend, typed as the twin's
# `async def`s (covet_rust_core._aio_native wraps `_native.aio`'s future-returning functions,
# whose signatures tests/contract/test_exports.py holds equal to the twin's).
from typing import Literal

from covet_rust_core._jwks import JWKSClient as JWKSClient
from covet_rust_core.fallback.aio import *  # noqa: F403 (the stub re-exports that module's __all__)
from covet_rust_core.fallback.aio import __all__ as __all__

__all__ += ["BACKEND", "JWKSClient"]

BACKEND: Literal["native", "fallback"]
