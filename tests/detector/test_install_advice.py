"""The detector's "Fix:" advice matches what is published: the wheel when a release has one
for this interpreter (python/covet_rust_core/_wheels.py), otherwise the source build and what
it needs. Decided from an interpreter's facts, so every platform is tested on this one."""

from __future__ import annotations

import dataclasses
import sys

import pytest
from covet_rust_core import _backend, _wheels
from covet_rust_core._version import __version__
from covet_rust_core._wheels import Interpreter

LINUX = Interpreter("cpython", (3, 13), False, "Linux", "x86_64", "glibc", (2, 36), ())


def facts(**changes: object) -> Interpreter:
    return dataclasses.replace(LINUX, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("interpreter", "tag"),
    [
        (LINUX, "manylinux_2_17_x86_64"),
        (facts(libc_version=(2, 17)), "manylinux_2_17_x86_64"),
        (facts(machine="aarch64", version=(3, 11)), "manylinux_2_17_aarch64"),
        (facts(version=(3, 14), free_threaded=True), "manylinux_2_17_x86_64"),
        (facts(libc="musl", libc_version=()), "musllinux_1_2_x86_64"),
        (facts(machine="aarch64", libc="musl", libc_version=()), "musllinux_1_2_aarch64"),
        (
            facts(
                system="Darwin", machine="arm64", libc=None, libc_version=(), macos_version=(14, 5)
            ),
            "macosx_11_0_arm64",
        ),
        (
            facts(
                system="Darwin",
                machine="x86_64",
                libc=None,
                libc_version=(),
                macos_version=(10, 13),
            ),
            "macosx_10_13_x86_64",
        ),
        (
            facts(system="Windows", machine="AMD64", libc=None, libc_version=(), version=(3, 15)),
            "win_amd64",
        ),
    ],
)
def test_a_published_wheel_is_found(interpreter: Interpreter, tag: str) -> None:
    platform, why_not = _wheels.published_wheel(interpreter)
    assert platform is not None, why_not
    assert platform.tag == tag
    assert why_not == ""


@pytest.mark.parametrize(
    ("interpreter", "reason"),
    [
        (facts(implementation="pypy"), "CPython only, not pypy"),
        (facts(version=(3, 10)), "CPython 3.11, 3.12, 3.13, 3.14, 3.15 only"),
        (facts(version=(3, 16)), "CPython 3.11, 3.12, 3.13, 3.14, 3.15 only"),
        (facts(version=(3, 13), free_threaded=True), "free-threaded CPython 3.14, 3.15 only"),
        (facts(version=(3, 14), free_threaded=True, libc="musl"), "no free-threaded wheels"),
        (facts(libc_version=(2, 12)), "needs version 2.17 or newer"),
        (
            facts(
                system="Darwin",
                machine="x86_64",
                libc=None,
                libc_version=(),
                macos_version=(10, 12),
            ),
            "needs version 10.13 or newer",
        ),
        (facts(system="Windows", machine="ARM64", libc=None, libc_version=()), "this platform"),
        (facts(system="FreeBSD", machine="amd64", libc=None, libc_version=()), "this platform"),
        (facts(machine="riscv64"), "this platform"),
        (facts(libc=None, libc_version=()), "this platform"),  # a Linux libc not recognised
    ],
)
def test_no_wheel_and_why(interpreter: Interpreter, reason: str) -> None:
    platform, why_not = _wheels.published_wheel(interpreter)
    assert platform is None
    assert reason in why_not


def test_advice_with_a_wheel_reinstalls_it_and_refuses_a_source_build() -> None:
    advice = _wheels.install_advice("1.2.3", LINUX)
    assert advice.startswith("Fix: releases include a wheel for this interpreter")
    assert "cpython 3.13 on Linux x86_64 glibc 2.36: manylinux_2_17_x86_64" in advice
    assert '--only-binary covet_rust_core "covet_rust_core==1.2.3"' in advice
    assert advice.endswith("Check the result with: python -m covet_rust_core")


def test_advice_without_a_wheel_is_the_source_build_and_its_needs() -> None:
    advice = _wheels.install_advice("1.2.3", facts(machine="riscv64"))
    assert advice.startswith("Fix: no wheel is published for this interpreter")
    assert "no wheels are built for this platform" in advice
    assert "Rust toolchain, 1.89 or newer" in advice
    assert "C compiler" in advice
    assert "MATURIN_NO_INSTALL_RUST=1 pip install" in advice
    assert '--no-binary covet_rust_core "covet_rust_core==1.2.3"' in advice
    assert advice.endswith("Check the result with: python -m covet_rust_core")


def test_this_interpreter_is_described_from_its_own_facts() -> None:
    here = _wheels.this_interpreter()
    assert here.implementation == sys.implementation.name
    assert here.version == sys.version_info[:2]
    platform, why_not = _wheels.published_wheel(here)
    assert (platform is None) == bool(why_not)
    if sys.platform.startswith("linux"):
        assert here.libc in {"glibc", "musl"}
    if (here.system, here.machine, here.libc) == ("Linux", "x86_64", "glibc"):
        assert platform is not None
        assert platform.tag == "manylinux_2_17_x86_64"


def test_the_diagnosis_ends_with_this_advice() -> None:
    # The fallback's diagnosis is built by _load_native; its last line is the advice.
    error = ModuleNotFoundError("No module named 'covet_rust_core._native'")
    text = _backend._format_diagnosis(
        "headline", "cause", error, _wheels.install_advice(__version__)
    )
    assert text.rstrip().splitlines()[-1] == _wheels.install_advice(__version__)
