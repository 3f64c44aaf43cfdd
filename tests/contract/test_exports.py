"""Both implementations side by side: the harness every domain's tests build on."""

from __future__ import annotations

import importlib
import importlib.metadata
import re
from pathlib import Path
from types import ModuleType

import covet_rust_core
from covet_rust_core import fallback

from tests.support import implementations
from tests.support.public_api import AIO_NAMES, AIO_NATIVE_PREFIX, NATIVE_ONLY, SHARED_NAMES

REPO_ROOT = Path(__file__).resolve().parents[2]


def public_names(module: ModuleType) -> set[str]:
    return {name for name in vars(module) if not name.startswith("_")}


def test_each_implementation_has_the_package_version(impl: ModuleType) -> None:
    assert impl.__version__ == covet_rust_core.__version__


def test_native_and_twin_export_the_same_functions() -> None:
    native = implementations.native()
    awaitable_parts = {name for name in public_names(native) if name.startswith(AIO_NATIVE_PREFIX)}
    assert public_names(native) - set(NATIVE_ONLY) - awaitable_parts == set(fallback.__all__)
    for name in fallback.__all__:
        native_value, twin_value = getattr(native, name), getattr(fallback, name)
        assert callable(native_value) == callable(twin_value), name
        if not callable(twin_value):  # constants, such as hashing's AUTO
            assert native_value == twin_value, name


def test_the_name_tables_list_every_export_once() -> None:
    """tests/support/public_api.py, where a new public function is added for the tests, lists
    exactly what both implementations export (test_native_and_twin_export_the_same_functions
    holds the native side to the same names)."""
    assert len(SHARED_NAMES) == len(set(SHARED_NAMES))
    assert set(SHARED_NAMES) == set(fallback.__all__)


def test_native_and_twin_offer_the_same_awaitables() -> None:
    native = implementations.native()
    native_aio = importlib.import_module("covet_rust_core._aio_native")
    twin_aio = importlib.import_module("covet_rust_core.fallback.aio")
    awaitable_parts = {
        name.removeprefix(AIO_NATIVE_PREFIX)
        for name in public_names(native)
        if name.startswith(AIO_NATIVE_PREFIX)
    }
    assert awaitable_parts == set(native_aio.__all__) == set(twin_aio.__all__) == set(AIO_NAMES)
    public_aio = importlib.import_module("covet_rust_core.aio")
    assert set(public_aio.__all__) == awaitable_parts | {"BACKEND"}


def test_versions_agree_everywhere() -> None:
    cargo = (REPO_ROOT / "Cargo.toml").read_text()
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    version_line = re.compile(r'^version = "([^"]+)"$', re.MULTILINE)
    cargo_version = version_line.search(cargo)
    pyproject_version = version_line.search(pyproject)
    assert cargo_version is not None
    assert pyproject_version is not None
    expected = covet_rust_core.__version__
    assert cargo_version.group(1) == expected
    assert pyproject_version.group(1) == expected
    assert importlib.metadata.version("covet_rust_core") == expected


def test_native_info_reports_the_build() -> None:
    native = implementations.native()
    info = native.native_info()
    assert info["version"] == covet_rust_core.__version__
    assert info["profile"] in {"release", "debug"}
    assert info["is_debug_build"] == (info["profile"] == "debug" or info["opt_level"] == "0")
    assert info["rustc"].startswith("rustc 1.")
    assert info["pyo3"].startswith("0.30.")
    assert "3." in info["python_abi"]
    assert native.build_profile == info["profile"]
    assert all(isinstance(feature, str) for feature in info["cpu_features"])
