"""Shared fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.asan import UNDER_ASAN
from tests.support.package_copies import INSTALLED_PACKAGE, PackageCopy

# The fixtures that pick one backend, and their values that pick the pure-Python twin.
BACKEND_FIXTURES = ("covet_impl", "backend", "impl")
TWIN_VALUES = ("fallback", "twin")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under AddressSanitizer (.ci/asan), a case that runs the twin alone is skipped: no
    instrumented code runs in it, and with every Python object a guarded malloc block the
    twin's pure-Python hashing alone would take hours. Differential tests still run."""
    if not UNDER_ASAN:
        return
    skip = pytest.mark.skip(reason="under AddressSanitizer: the pure-Python twin alone")
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        if any(callspec.params.get(name) in TWIN_VALUES for name in BACKEND_FIXTURES):
            item.add_marker(skip)


@pytest.fixture
def package_copy(tmp_path: Path) -> Callable[..., PackageCopy]:
    """Factory: a package copy with the given extra files (name -> bytes or source Path)."""

    def make(
        files: dict[str, bytes | Path] | None = None, version: str | None = None
    ) -> PackageCopy:
        root = tmp_path / "site"
        target = root / "covet_rust_core"
        shutil.copytree(
            INSTALLED_PACKAGE,
            target,
            ignore=shutil.ignore_patterns("_native*.so", "_native*.pyd", "__pycache__"),
        )
        for name, content in (files or {}).items():
            if isinstance(content, Path):
                shutil.copy2(content, target / name)
            else:
                (target / name).write_bytes(content)
        if version is not None:
            (target / "_version.py").write_text(f'__version__ = "{version}"\n')
        return PackageCopy(root)

    return make
