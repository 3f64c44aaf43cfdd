"""``python -m covet_rust_core``: exit status and the --json shape."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.support.package_copies import PackageCopy, installed_extension

MakeCopy = Callable[..., PackageCopy]

REPORT_KEYS = {
    "backend",
    "mode",
    "reason",
    "diagnosis",
    "package_version",
    "extension",
    "python",
    "platform",
    "machine",
    "exit_status",
}
EXTENSION_KEYS = {
    "version",
    "profile",
    "cargo_profile",
    "opt_level",
    "debug_assertions",
    "is_debug_build",
    "rustc",
    "target",
    "pyo3",
    "python_abi",
    "free_threaded_build",
    "cpu_features",
    "json_simd",
    "json_simd_levels",
    "file",
}


def doctor_json(copy: PackageCopy, mode: str | None) -> tuple[int, dict[str, object]]:
    done = copy.run(["-m", "covet_rust_core", "--json"], mode)
    return done.returncode, json.loads(done.stdout)


def test_native_release_build_exits_zero(package_copy: MakeCopy) -> None:
    ext = installed_extension()
    status, report = doctor_json(package_copy({ext.name: ext}), "auto")
    assert set(report) == REPORT_KEYS
    extension = report["extension"]
    assert isinstance(extension, dict)
    assert set(extension) == EXTENSION_KEYS
    assert report["backend"] == "native"
    assert report["diagnosis"] is None
    assert extension["version"] == report["package_version"]
    expected = 2 if extension["is_debug_build"] else 0
    assert status == report["exit_status"] == expected
    assert isinstance(extension["cpu_features"], list)


def test_forced_fallback_exits_non_zero_and_says_so(package_copy: MakeCopy) -> None:
    ext = installed_extension()
    status, report = doctor_json(package_copy({ext.name: ext}), "fallback")
    assert status == 1
    assert report["backend"] == "fallback"
    assert report["extension"] is None
    assert "forced" in str(report["reason"])
    unused = report["unused_extension"]
    assert isinstance(unused, dict)
    assert unused["version"] == report["package_version"]


def test_missing_extension_exits_non_zero_with_diagnosis(package_copy: MakeCopy) -> None:
    status, report = doctor_json(package_copy(), "auto")
    assert status == 1
    assert report["backend"] == "fallback"
    assert "no compiled extension file" in str(report["diagnosis"])


@pytest.mark.parametrize(("mode", "status"), [("auto", 0), ("fallback", 1)])
def test_text_report(package_copy: MakeCopy, mode: str, status: int) -> None:
    ext = installed_extension()
    done = package_copy({ext.name: ext}).run(["-m", "covet_rust_core"], mode)
    assert done.returncode == status
    lines = done.stdout.splitlines()
    assert lines[0] == "covet_rust_core doctor"
    assert lines[-1] == f"exit status {status}"
    assert any(line.split()[:1] == ["python"] for line in lines)
    if mode == "auto":
        assert "OK: the native release build is active." in done.stdout
        assert any(line.split()[:1] == ["rustc"] for line in lines)
        assert done.stderr == ""
    else:
        assert "the pure-Python FALLBACK is active" in done.stdout
        # The detector's warning reaches stderr too.
        assert "CovetFallbackWarning" in done.stderr
