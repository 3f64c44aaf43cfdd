# The native awaitables are coroutine functions with the twin's signatures
# (tests/contract/test_exports.py holds `_native.aio`'s equal to the twin's).
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from covet_rust_core.fallback.aio import *  # noqa: F403 (the stub re-exports that module's __all__)
from covet_rust_core.fallback.aio import __all__ as __all__

def coroutine_function(
    native: Callable[..., Awaitable[Any]],
) -> Callable[..., Coroutine[Any, Any, Any]]: ...
