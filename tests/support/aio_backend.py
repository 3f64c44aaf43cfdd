"""The awaitables (covet_rust_core.aio, docs/AIO.md) that go with one implementation: the
native ``covet_rust_core._aio_native`` (``_native.aio``'s functions as coroutine functions)
or the twin's ``covet_rust_core.fallback.aio`` (``asyncio.to_thread`` over the twin), with the
implementation whose sync forms they mirror."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Final, NamedTuple

from tests.support import implementations

AIO_MODULES: Final = {
    "native": "covet_rust_core._aio_native",
    "twin": "covet_rust_core.fallback.aio",
}


class AioBackend(NamedTuple):
    """One implementation: its name, its awaitables and the implementation (its ``hashing``
    and ``jwt`` hold the sync forms, its ``aio`` the raw native ones)."""

    name: str
    aio: ModuleType
    sync: ModuleType

    @property
    def native(self) -> bool:
        return self.name == "native"

    def sync_form(self, name: str) -> Callable[..., Any]:
        """The sync function the awaitable ``name`` mirrors: ``hashing.blake3_*`` or
        ``jwt.<name without jwt_>``."""
        if name.startswith("jwt_"):
            function: Callable[..., Any] = getattr(self.sync.jwt, name.removeprefix("jwt_"))
        else:
            function = getattr(self.sync.hashing, name)
        return function


def aio_module(impl: ModuleType) -> ModuleType:
    """The awaitable forms that go with ``impl``."""
    return importlib.import_module(AIO_MODULES[implementations.name_of(impl)])


def aio_backend(impl: ModuleType) -> AioBackend:
    """``impl`` (the ``impl`` fixture's module, or ``native()``/``twin()``) with its awaitables."""
    return AioBackend(implementations.name_of(impl), aio_module(impl), impl)
