"""Which wheels a release publishes, and whether one of them fits this interpreter.

This table is the one place that says it. The release workflow builds its matrix from it
(.ci/wheel_matrix.py, called by .github/workflows/wheels.yml), the classifiers and
``requires-python`` in pyproject.toml are held to it by tests/repository/test_release.py,
and the detector reads it to give advice that matches reality: reinstall the wheel when one
is published for this interpreter, otherwise build from source, with what that needs.

Standard library only, and nothing imported from the package: the workflow loads this file
from a checkout, before anything is built.
"""

from __future__ import annotations

import platform
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Final

# CPython versions with a wheel on every platform below; the free-threaded builds (3.14t,
# 3.15t) where the platform says so.
PYTHON_VERSIONS: Final = ((3, 11), (3, 12), (3, 13), (3, 14), (3, 15))
FREE_THREADED_VERSIONS: Final = ((3, 14), (3, 15))

# What a source build needs (the README's install section says the same).
SOURCE_BUILD_NEEDS: Final = (
    "a Rust toolchain, 1.89 or newer (https://rustup.rs), and a C compiler (AWS-LC, the JWT "
    "signatures' library, is C)"
)


@dataclass(frozen=True)
class WheelPlatform:
    """One platform a release publishes wheels for."""

    name: str
    system: str  # platform.system()
    machines: tuple[str, ...]  # platform.machine() values it covers
    libc: str | None  # "glibc" or "musl" on Linux, else None
    oldest: tuple[int, ...]  # the oldest glibc, musl or macOS version the wheel runs on
    tag: str  # the wheel's platform tag
    free_threaded: bool  # whether the free-threaded builds get a wheel here


PLATFORMS: Final = (
    WheelPlatform(
        "Linux x86_64 (glibc)",
        "Linux",
        ("x86_64",),
        "glibc",
        (2, 17),
        "manylinux_2_17_x86_64",
        free_threaded=True,
    ),
    WheelPlatform(
        "Linux aarch64 (glibc)",
        "Linux",
        ("aarch64",),
        "glibc",
        (2, 17),
        "manylinux_2_17_aarch64",
        free_threaded=True,
    ),
    # musl: no free-threaded wheels, because none could be tested (no free-threaded
    # CPython images for Alpine to run the suite in).
    WheelPlatform(
        "Linux x86_64 (musl)",
        "Linux",
        ("x86_64",),
        "musl",
        (1, 2),
        "musllinux_1_2_x86_64",
        free_threaded=False,
    ),
    WheelPlatform(
        "Linux aarch64 (musl)",
        "Linux",
        ("aarch64",),
        "musl",
        (1, 2),
        "musllinux_1_2_aarch64",
        free_threaded=False,
    ),
    WheelPlatform(
        "macOS arm64", "Darwin", ("arm64",), None, (11, 0), "macosx_11_0_arm64", free_threaded=True
    ),
    WheelPlatform(
        "macOS x86_64",
        "Darwin",
        ("x86_64",),
        None,
        (10, 13),
        "macosx_10_13_x86_64",
        free_threaded=True,
    ),
    WheelPlatform("Windows x64", "Windows", ("AMD64",), None, (), "win_amd64", free_threaded=True),
)


@dataclass(frozen=True)
class Interpreter:
    """The facts about an interpreter that decide which wheel fits it."""

    implementation: str  # sys.implementation.name
    version: tuple[int, int]
    free_threaded: bool
    system: str
    machine: str
    libc: str | None  # "glibc", "musl" or None (not Linux, or not known)
    libc_version: tuple[int, ...]  # () when not known
    macos_version: tuple[int, ...]  # () when not macOS

    def label(self) -> str:
        threading = "t" if self.free_threaded else ""
        where = f"{self.system} {self.machine}"
        if self.libc:
            where += f" {self.libc} {'.'.join(map(str, self.libc_version)) or '?'}"
        if self.macos_version:
            where += f" {'.'.join(map(str, self.macos_version))}"
        return f"{self.implementation} {self.version[0]}.{self.version[1]}{threading} on {where}"


def _version_tuple(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in text.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def this_interpreter() -> Interpreter:
    """The facts about the running interpreter (no subprocess, no network)."""
    system = platform.system()
    libc: str | None = None
    libc_version: tuple[int, ...] = ()
    if system == "Linux":
        try:  # glibc answers from confstr; elsewhere this reads the interpreter's binary
            name, version = platform.libc_ver()
        except OSError:
            name, version = "", ""
        if name == "glibc":
            libc, libc_version = "glibc", _version_tuple(version)
        elif any(Path("/lib").glob("ld-musl-*.so.1")):
            # musl's version is only printed by its loader; musllinux_1_2 needs 1.2 (Alpine
            # 3.13, 2021, and later), which every musl system still supported has.
            libc = "musl"
    mac_release = platform.mac_ver()[0] if system == "Darwin" else ""
    return Interpreter(
        implementation=sys.implementation.name,
        version=(sys.version_info[0], sys.version_info[1]),
        free_threaded=bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        system=system,
        machine=platform.machine(),
        libc=libc,
        libc_version=libc_version,
        macos_version=_version_tuple(mac_release),
    )


def _versions(free_threaded: bool) -> tuple[tuple[int, int], ...]:
    return FREE_THREADED_VERSIONS if free_threaded else PYTHON_VERSIONS


def published_wheel(interpreter: Interpreter) -> tuple[WheelPlatform | None, str]:
    """The platform whose wheel fits ``interpreter``, or None and why none does."""
    if interpreter.implementation != "cpython":
        return None, f"wheels are built for CPython only, not {interpreter.implementation}"
    versions = _versions(interpreter.free_threaded)
    if interpreter.version not in versions:
        kind = "free-threaded CPython" if interpreter.free_threaded else "CPython"
        listed = ", ".join(f"{major}.{minor}" for major, minor in versions)
        return None, f"wheels are built for {kind} {listed} only"
    for wheel_platform in PLATFORMS:
        if (
            wheel_platform.system != interpreter.system
            or interpreter.machine not in wheel_platform.machines
            or wheel_platform.libc != interpreter.libc
        ):
            continue
        if interpreter.free_threaded and not wheel_platform.free_threaded:
            return None, f"no free-threaded wheels are built for {wheel_platform.name}"
        running = interpreter.macos_version or interpreter.libc_version
        if running and running < wheel_platform.oldest:
            oldest = ".".join(map(str, wheel_platform.oldest))
            return None, f"the {wheel_platform.name} wheel needs version {oldest} or newer"
        return wheel_platform, ""
    return None, "no wheels are built for this platform"


def install_advice(version: str, interpreter: Interpreter | None = None) -> str:
    """The detector's "Fix:" line: the published wheel, or the source build and its needs."""
    facts = this_interpreter() if interpreter is None else interpreter
    wheel_platform, why_not = published_wheel(facts)
    check = "Check the result with: python -m covet_rust_core"
    if wheel_platform is not None:
        return (
            f"Fix: releases include a wheel for this interpreter ({facts.label()}: "
            f"{wheel_platform.tag}); reinstall it, refusing a source build: pip install "
            f"--force-reinstall --no-cache-dir --only-binary covet_rust_core "
            f'"covet_rust_core=={version}". A version that is not on the index has no '
            f"wheel: build it from its checkout (pip install .). {check}"
        )
    return (
        f"Fix: no wheel is published for this interpreter ({facts.label()}: {why_not}); "
        f"build from source, which needs {SOURCE_BUILD_NEEDS}: "
        f"MATURIN_NO_INSTALL_RUST=1 pip install --force-reinstall --no-cache-dir "
        f'--no-binary covet_rust_core "covet_rust_core=={version}" (or, from a checkout, '
        f"pip install .); without MATURIN_NO_INSTALL_RUST=1, maturin quietly downloads a "
        f"Rust toolchain of about 1 GB when none is on PATH. {check}"
    )
