"""pytest plugin (entry point ``pytest11``), loaded wherever covet_rust_core is installed.

* The report header says which backend is active and how the extension was built.
* ``--covet-require-native`` (or ``COVET_RUST_CORE_REQUIRE_NATIVE=1``) fails the session at
  start unless the native backend is active, so a CI job cannot silently test Python twice.
* ``covet_impl`` is a fixture parametrized over the native extension and the pure-Python
  twin (ids ``rust`` and ``py``). The native case imports ``covet_rust_core._native``
  explicitly: a missing build fails the test instead of quietly skipping it.

The package is imported when the plugin loads, before any conftest or test module: the
detector's warning is then printed once at start-up, in the open, instead of surfacing
first inside a test where a ``filterwarnings = error`` setting would turn it into an
unrelated-looking failure.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

import covet_rust_core
from covet_rust_core._backend import explain_import_failure, import_native

REQUIRE_NATIVE_ENV = "COVET_RUST_CORE_REQUIRE_NATIVE"
_FALSE_WORDS = ("", "0", "false", "no", "off")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("covet_rust_core")
    group.addoption(
        "--covet-require-native",
        action="store_true",
        default=False,
        help="fail at start unless covet_rust_core's native backend is active "
        f"(also: {REQUIRE_NATIVE_ENV}=1)",
    )


def native_required(config: pytest.Config) -> bool:
    from_env = os.environ.get(REQUIRE_NATIVE_ENV, "").strip().lower() not in _FALSE_WORDS
    return bool(config.getoption("covet_require_native")) or from_env


def pytest_configure(config: pytest.Config) -> None:
    if not native_required(config):
        return
    if covet_rust_core.BACKEND != "native":
        info = covet_rust_core.native_info()
        msg = (
            "covet_rust_core: the native backend is required (--covet-require-native or "
            f"{REQUIRE_NATIVE_ENV}) but the {info['backend']} backend is active.\n"
            f"{info['diagnosis']}"
        )
        raise pytest.UsageError(msg)


def pytest_report_header(config: pytest.Config) -> str:
    info = covet_rust_core.native_info()
    if info["backend"] == "native":
        detail = f"{info['profile']} build {info['version']}, {info['target']}"
    else:
        detail = info["reason"]
    return f"covet_rust_core: backend={info['backend']} ({detail})"


def load_native() -> ModuleType:
    try:
        return import_native()
    except ImportError as error:
        pytest.fail(
            "covet_rust_core._native is not importable, so the native half of this test "
            f"cannot run: {explain_import_failure(error)}. Build it: pip install . "
            "(or maturin develop --release)",
            pytrace=False,
        )


@pytest.fixture(params=["native", "fallback"], ids=["native", "twin"])
def covet_impl(request: pytest.FixtureRequest) -> ModuleType:
    """The native extension module, then the pure-Python twin package; each has one module
    per domain with the same names: ``covet_impl.json.dumps``, ``covet_impl.jwt.decode``."""
    if request.param == "native":
        return load_native()
    return importlib.import_module("covet_rust_core.fallback")
