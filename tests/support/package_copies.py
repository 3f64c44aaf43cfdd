"""Throw-away copies of the installed package, for simulating what the detector meets.

The detector is tested by running a fresh interpreter against a copy of the installed
package in which the compiled extension is removed, replaced or made stale, so every test
sees a real ``import covet_rust_core`` and nothing in-process has to be patched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import covet_rust_core
import pytest
from covet_rust_core import _backend

INSTALLED_PACKAGE = Path(covet_rust_core.__file__).resolve().parent
REPO_ROOT = Path(__file__).resolve().parents[2]


def installed_extension() -> Path:
    """The compiled extension this test run uses (the one the package directory loads)."""
    for name in _backend.wanted_file_names():
        candidate = INSTALLED_PACKAGE / name
        if candidate.exists():
            return candidate
    pytest.fail(f"no compiled extension in {INSTALLED_PACKAGE}: build it with pip install .")


@dataclass
class PackageCopy:
    """A copy of covet_rust_core under ``root`` that a subprocess imports first."""

    root: Path

    @property
    def package(self) -> Path:
        return self.root / "covet_rust_core"

    def env(self, mode: str | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COVET_RUST_CORE_")}
        env["PYTHONPATH"] = str(self.root)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        if mode is not None:
            env[_backend.ENV_VAR] = mode
        return env

    def run(self, args: list[str], mode: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            env=self.env(mode),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=self.root,
        )


# Imports covet_rust_core on a known line, records every warning and log record, and
# prints them as JSON. It silences nothing: "always" only makes repeats visible.
IMPORTER = """\
import json, logging, warnings
records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append({"level": record.levelname, "message": record.getMessage()})
logging.getLogger("covet_rust_core").addHandler(Keep())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        import covet_rust_core  # IMPORT LINE
        import covet_rust_core._backend
        import importlib; importlib.reload(covet_rust_core)
        covet_rust_core._backend.announce_selection(covet_rust_core._backend.SELECTION)
        outcome = {"backend": covet_rust_core.BACKEND, "info": covet_rust_core.native_info()}
        try:
            covet_rust_core.require_native()
            outcome["require_native"] = None
        except ImportError as error:
            outcome["require_native"] = {"type": type(error).__name__, "text": str(error)}
    except ImportError as error:
        outcome = {"import_error": {"type": type(error).__name__, "text": str(error)}}
print(json.dumps({
    "outcome": outcome,
    "warnings": [
        {
            "category": w.category.__name__,
            "mro": [c.__name__ for c in w.category.__mro__],
            "message": str(w.message),
            "filename": w.filename,
            "lineno": w.lineno,
        }
        for w in caught
    ],
    "logs": records,
}))
"""
IMPORT_LINE = next(
    number for number, line in enumerate(IMPORTER.splitlines(), 1) if "# IMPORT LINE" in line
)


@dataclass
class ImportReport:
    outcome: dict[str, Any]
    warnings: list[dict[str, Any]]
    logs: list[dict[str, str]]
    importer: Path


def import_in_subprocess(copy: PackageCopy, mode: str | None) -> ImportReport:
    importer = copy.root / "importer.py"
    importer.write_text(IMPORTER)
    done = copy.run([str(importer)], mode)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    return ImportReport(data["outcome"], data["warnings"], data["logs"], importer)
