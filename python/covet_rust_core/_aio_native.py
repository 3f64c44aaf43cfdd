"""The native side of ``covet_rust_core.aio``: each function of ``_native.aio`` (it checks its
arguments on the calling thread and returns an asyncio future that a covet worker thread
completes, docs/AIO.md) as a coroutine function.

The coroutine layer exists so that these are true ``async def`` functions: usable with
``asyncio.create_task``, and raising argument errors when awaited, not when called. It
restates no signature: ``inspect.signature`` follows ``__wrapped__`` to the native one, and
the stub (``_aio_native.pyi``) is the twin's.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from covet_rust_core._native import aio as _native_aio


def coroutine_function(
    native: Callable[..., Awaitable[Any]],
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """``native`` as an ``async def`` function with its signature."""

    @functools.wraps(native)
    async def awaited(*args: Any, **kwargs: Any) -> Any:
        return await native(*args, **kwargs)

    awaited.__module__ = __name__
    return awaited


__all__: list[str] = list(_native_aio.__all__)
globals().update({name: coroutine_function(getattr(_native_aio, name)) for name in __all__})
