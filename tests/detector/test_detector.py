"""The loud detector, by simulation: each case runs a fresh interpreter against a copy of
the installed package whose compiled extension is absent, foreign, broken or stale."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from covet_rust_core import _backend

from tests.support.package_copies import (
    IMPORT_LINE,
    ImportReport,
    PackageCopy,
    import_in_subprocess,
    installed_extension,
)

MakeCopy = Callable[..., PackageCopy]


def only_warning(report: ImportReport, category: str) -> dict[str, object]:
    covet = [w for w in report.warnings if "CovetWarning" in w["mro"]]
    assert len(covet) == 1, f"expected exactly one warning, got {covet}"
    warning = covet[0]
    assert warning["category"] == category
    assert "RuntimeWarning" in warning["mro"]
    # It points at the line that imported covet_rust_core, not at the package's internals.
    assert Path(str(warning["filename"])) == report.importer
    assert warning["lineno"] == IMPORT_LINE
    # The same text is logged once at WARNING on the "covet_rust_core" logger.
    assert report.logs == [{"level": "WARNING", "message": warning["message"]}]
    return warning


def test_native_loads_silently(package_copy: MakeCopy) -> None:
    report = import_in_subprocess(
        package_copy({installed_extension().name: installed_extension()}), None
    )
    assert report.outcome["backend"] == "native"
    assert report.outcome["require_native"] is None
    assert report.outcome["info"]["diagnosis"] is None
    assert not [w for w in report.warnings if "CovetWarning" in w["mro"]]
    assert report.logs == []


def test_absent_extension_falls_back_loudly(package_copy: MakeCopy) -> None:
    report = import_in_subprocess(package_copy(), "auto")
    assert report.outcome["backend"] == "fallback"
    warning = only_warning(report, "CovetFallbackWarning")
    text = str(warning["message"])
    assert "no compiled extension file" in text
    assert "ModuleNotFoundError" in text
    assert text.rstrip().splitlines()[-1].startswith("Fix: ")
    assert report.outcome["info"]["diagnosis"] == text
    assert report.outcome["require_native"]["type"] == "NativeUnavailableError"
    assert "no compiled extension file" in report.outcome["require_native"]["text"]


def test_unset_variable_means_auto(package_copy: MakeCopy) -> None:
    report = import_in_subprocess(package_copy(), None)
    assert report.outcome["backend"] == "fallback"
    assert report.outcome["info"]["mode"] == "auto"
    only_warning(report, "CovetFallbackWarning")


def test_extension_for_another_abi_is_named(package_copy: MakeCopy) -> None:
    foreign = "_native.cpython-99-x86_64-linux-gnu.so"
    report = import_in_subprocess(package_copy({foreign: installed_extension()}), "auto")
    assert report.outcome["backend"] == "fallback"
    text = str(only_warning(report, "CovetFallbackWarning")["message"])
    assert "another interpreter or platform" in text
    assert foreign in text
    # ...and the file name this interpreter wants instead.
    assert _backend.wanted_file_names()[0] in text


def test_extension_that_fails_to_load_reports_the_error(package_copy: MakeCopy) -> None:
    broken = _backend.wanted_file_names()[0]
    report = import_in_subprocess(package_copy({broken: b"not a shared object"}), "auto")
    assert report.outcome["backend"] == "fallback"
    text = str(only_warning(report, "CovetFallbackWarning")["message"])
    assert f"the compiled file {broken}" in text
    assert "failed to load" in text
    # The loader's own words (e.g. "invalid ELF header") are quoted.
    assert "Import error: ImportError:" in text


def test_extension_that_raises_on_import(package_copy: MakeCopy) -> None:
    shim = b"raise ImportError('undefined symbol: PyCovet_Missing')\n"
    report = import_in_subprocess(package_copy({"_native.py": shim}), "auto")
    assert report.outcome["backend"] == "fallback"
    text = str(only_warning(report, "CovetFallbackWarning")["message"])
    assert "undefined symbol: PyCovet_Missing" in text


def test_native_mode_raises_with_the_diagnosis(package_copy: MakeCopy) -> None:
    report = import_in_subprocess(package_copy(), "native")
    error = report.outcome["import_error"]
    assert error["type"] == "NativeUnavailableError"
    assert "COVET_RUST_CORE_BACKEND=native requires the native extension" in error["text"]
    assert "no compiled extension file" in error["text"]
    assert "Fix: " in error["text"]
    assert report.warnings == []


def test_native_mode_with_working_extension(package_copy: MakeCopy) -> None:
    ext = installed_extension()
    report = import_in_subprocess(package_copy({ext.name: ext}), "native")
    assert report.outcome["backend"] == "native"
    assert report.outcome["info"]["reason"].startswith("required by")


def test_forced_fallback_warns_that_it_was_forced(package_copy: MakeCopy) -> None:
    ext = installed_extension()
    report = import_in_subprocess(package_copy({ext.name: ext}), "fallback")
    assert report.outcome["backend"] == "fallback"
    text = str(only_warning(report, "CovetFallbackWarning")["message"])
    assert "COVET_RUST_CORE_BACKEND=fallback forces" in text
    assert report.outcome["require_native"]["type"] == "NativeUnavailableError"


@pytest.mark.parametrize("mode", ["Native", " fallback ", "AUTO"])
def test_mode_is_case_and_space_insensitive(package_copy: MakeCopy, mode: str) -> None:
    ext = installed_extension()
    report = import_in_subprocess(package_copy({ext.name: ext}), mode)
    assert report.outcome["info"]["mode"] == mode.strip().lower()


def test_unknown_mode_is_an_import_error(package_copy: MakeCopy) -> None:
    report = import_in_subprocess(package_copy(), "rust")
    error = report.outcome["import_error"]
    assert error["type"] == "ImportError"
    assert "COVET_RUST_CORE_BACKEND='rust' is not a valid backend mode" in error["text"]


@pytest.mark.parametrize("mode", ["auto", "native"])
def test_stale_extension_of_another_version(package_copy: MakeCopy, mode: str) -> None:
    ext = installed_extension()
    report = import_in_subprocess(package_copy({ext.name: ext}, version="9.9.9"), mode)
    if mode == "native":
        text = report.outcome["import_error"]["text"]
    else:
        assert report.outcome["backend"] == "fallback"
        text = str(only_warning(report, "CovetFallbackWarning")["message"])
    assert "is version 0." in text
    assert "Python package is version 9.9.9" in text
    assert "stale build" in text


# A stand-in for a debug build: the detector trusts the extension's own native_info().
DEBUG_SHIM = """\
from covet_rust_core._version import __version__
build_profile = "debug"
def native_info():
    return {"version": __version__, "profile": "debug", "opt_level": "0",
            "is_debug_build": True}
# The package imports the JSON functions at import time, from _native.json.
import sys
from covet_rust_core.fallback import json
sys.modules[__name__ + ".json"] = json
"""


@pytest.mark.parametrize("mode", ["auto", "native"])
def test_debug_build_warns(package_copy: MakeCopy, mode: str) -> None:
    report = import_in_subprocess(package_copy({"_native.py": DEBUG_SHIM.encode()}), mode)
    assert report.outcome["backend"] == "native"
    text = str(only_warning(report, "CovetDebugBuildWarning")["message"])
    assert "debug build" in text
    assert "maturin develop --release" in text


def test_real_debug_build_warns(package_copy: MakeCopy) -> None:
    """With a real `cargo build` output (CI sets COVET_TEST_DEBUG_EXTENSION)."""
    built = os.environ.get("COVET_TEST_DEBUG_EXTENSION")
    if not built:
        pytest.skip("COVET_TEST_DEBUG_EXTENSION is not set (.ci/run builds and sets it)")
    copy = package_copy({_backend.wanted_file_names()[0]: Path(built)})
    report = import_in_subprocess(copy, "auto")
    assert report.outcome["backend"] == "native"
    assert report.outcome["info"]["profile"] == "debug"
    only_warning(report, "CovetDebugBuildWarning")


def test_bench_refuses_a_real_debug_build(package_copy: MakeCopy) -> None:
    """`python -m covet_rust_core bench` will not time a debug build unless told to, and
    then labels the report (CI sets COVET_TEST_DEBUG_EXTENSION)."""
    built = os.environ.get("COVET_TEST_DEBUG_EXTENSION")
    if not built:
        pytest.skip("COVET_TEST_DEBUG_EXTENSION is not set (.ci/run builds and sets it)")
    copy = package_copy({_backend.wanted_file_names()[0]: Path(built)})
    refused = copy.run(["-m", "covet_rust_core", "bench", "--quick"], "auto")
    assert refused.returncode == 2, refused.stderr
    assert "REFUSED: the native extension is a DEBUG build" in refused.stderr
    only = ["--seconds", "0.5", "--only", "hashing/xxh3-64B", "--no-progress"]
    allowed = copy.run(["-m", "covet_rust_core", "bench", "--allow-debug", *only], "auto")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.startswith("covet_rust_core bench\n\n!!! DEBUG BUILD")


@pytest.mark.parametrize("how", [["-c", "import covet_rust_core"], ["-m", "covet_rust_core"]])
def test_fallback_warning_from_command_line_code(package_copy: MakeCopy, how: list[str]) -> None:
    """Imported from `python -c` (no source file) the warning is still printed, not raised."""
    done = package_copy().run(how, "auto")
    assert done.returncode == (1 if "-m" in how else 0), done.stderr
    assert done.stderr.count("CovetFallbackWarning: covet_rust_core: the native extension") == 1
    assert "Traceback" not in done.stderr


def test_warnings_as_errors_make_the_fallback_fatal(package_copy: MakeCopy) -> None:
    """Under -W error the fallback warning stops the import: nothing swallows it."""
    copy = package_copy()
    done = copy.run(["-W", "error", "-c", "import covet_rust_core"], "auto")
    assert done.returncode != 0
    assert "CovetFallbackWarning" in done.stderr


SILENCERS = ("simplefilter(", "filterwarnings(", "catch_warnings(", "captureWarnings(")


def test_the_package_never_silences_warnings() -> None:
    """No source file in the package calls a warnings filter or catch_warnings."""
    offenders = []
    for path in Path(_backend.__file__).parent.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(
                call in line
                for call in (
                    "simplefilter(",
                    "filterwarnings(",
                    "catch_warnings(",
                    "captureWarnings(",
                )
            ):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
