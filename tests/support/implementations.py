"""The two implementations the suite holds against each other: the native extension
(``covet_rust_core._native``) and the pure-Python twin (``covet_rust_core.fallback``), each
with one module per domain (``json``, ``jwt``, ``hashing``, ``strings``, ``aio``) holding the
same public names.

A test that runs on each takes the ``impl`` fixture (tests/conftest.py: one of the two
modules, test ids ``native`` and ``twin``); a test that compares them calls ``native()`` and
``twin()``. Both are imported directly, whichever one the detector picked for
``covet_rust_core`` itself, so the suite covers both in one run. The native one is imported
explicitly: when it was not built, its cases fail with the detector's diagnosis (never skip).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Final

from covet_rust_core.pytest_plugin import load_native

# The test ids, in the order the cases run.
IMPLEMENTATIONS: Final = ("native", "twin")
NATIVE_MODULE: Final = "covet_rust_core._native"
TWIN_MODULE: Final = "covet_rust_core.fallback"


def load(name: str) -> ModuleType:
    """The implementation called ``name`` (``"native"`` or ``"twin"``). A native extension
    that cannot be imported fails the calling test with the reason."""
    if name == "native":
        return load_native()
    if name == "twin":
        return importlib.import_module(TWIN_MODULE)
    raise ValueError(f"no implementation called {name!r}; expected one of {IMPLEMENTATIONS}")


def native() -> ModuleType:
    return load("native")


def twin() -> ModuleType:
    return load("twin")


def name_of(module: ModuleType) -> str:
    """``"native"`` or ``"twin"``: the test id of ``module``."""
    names = {NATIVE_MODULE: "native", TWIN_MODULE: "twin"}
    if module.__name__ not in names:
        raise ValueError(f"{module.__name__} is neither implementation")
    return names[module.__name__]


def is_native(module: ModuleType) -> bool:
    return name_of(module) == "native"
