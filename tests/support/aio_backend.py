"""The awaitables (covet_rust_core.aio, docs/AIO.md) that go with one implementation: the
native ``covet_rust_core._aio_native`` (coroutines over the extension's ``aio_*`` functions)
or the twin's ``covet_rust_core.fallback.aio`` (``asyncio.to_thread`` over the twin), with the
flat module whose sync forms they mirror."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Final, NamedTuple

from tests.support import implementations

AIO_MODULES: Final = {
    "native": "covet_rust_core._aio_native",
    "twin": "covet_rust_core.fallback.aio",
}


class AioBackend(NamedTuple):
    """One implementation: its name, its aio module and the sync flat module it mirrors."""

    name: str
    aio: ModuleType
    sync: ModuleType

    @property
    def native(self) -> bool:
        return self.name == "native"


def aio_module(impl: ModuleType) -> ModuleType:
    """The awaitable forms that go with ``impl``."""
    return importlib.import_module(AIO_MODULES[implementations.name_of(impl)])


def aio_backend(impl: ModuleType) -> AioBackend:
    """``impl`` (the ``impl`` fixture's module, or ``native()``/``twin()``) with its awaitables."""
    return AioBackend(implementations.name_of(impl), aio_module(impl), impl)
