"""The detector's fixture: copies of the installed package to import in a fresh interpreter."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.package_copies import INSTALLED_PACKAGE, PackageCopy


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
