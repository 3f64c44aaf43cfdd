"""The environment every bench report carries: machine, OS, Python, covet's build and
backend, and the version of every peer, so that two reports can be told apart and a number
is never quoted without what produced it."""

from __future__ import annotations

import contextlib
import datetime
import gc
import os
import platform
import sys
from importlib import metadata
from typing import Any

from covet_rust_core._backend import import_native

# Distributions whose versions a report records: covet's peers and what they stand on.
PEER_DISTRIBUTIONS = (
    "orjson",
    "ssrjson",
    "msgspec",
    "PyJWT",
    "oxyjwt",
    "cryptography",
    "blake3",
    "xxhash",
    "markupsafe",
    "python-slugify",
    "text-unidecode",
    "Unidecode",
    "pyhumps",
    "werkzeug",
    "matplotlib",
)

# The CPU flags that decide which code paths the contenders take (SIMD widths, hardware
# SHA and AES); the full list is long and mostly irrelevant.
RELEVANT_FLAGS = (
    "sse2",
    "ssse3",
    "sse4_1",
    "sse4_2",
    "popcnt",
    "avx",
    "avx2",
    "fma",
    "bmi1",
    "bmi2",
    "avx512f",
    "avx512bw",
    "avx512vl",
    "avx512vbmi",
    "sha_ni",
    "aes",
    "pclmulqdq",
    "asimd",
    "sha2",
    "sha3",
    "neon",
)


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo (Linux), else nothing."""
    fields: dict[str, str] = {}
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:  # noqa: PTH123
        for line in info:
            if not line.strip():
                if fields:
                    break
                continue
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    return fields


def cpu() -> dict[str, Any]:
    info = _cpuinfo()
    flags = set((info.get("flags") or info.get("Features") or "").split())
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "model": info.get("model name") or platform.processor() or platform.machine(),
        "flags": [flag for flag in RELEVANT_FLAGS if flag in flags],
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def covet() -> dict[str, Any]:
    """The detector's view (which backend ``import covet_rust_core`` picked, and why) and
    the native extension's build, probed directly: the bench times both backends whatever
    the detector picked."""
    import covet_rust_core  # noqa: PLC0415 - the detector runs (and warns) on first import

    detector = covet_rust_core.native_info()
    build: dict[str, Any] | None
    why: str | None
    try:
        native = import_native()
    except ImportError as error:
        build, why = None, f"{type(error).__name__}: {error}"
    else:
        build, why = dict(native.native_info()), None
        build["file"] = native.__file__
    return {
        "version": covet_rust_core.__version__,
        "backend": detector["backend"],
        "mode": detector["mode"],
        "reason": detector["reason"],
        "native_build": build,
        "native_unavailable": why,
    }


def peer_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in PEER_DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def capture() -> dict[str, Any]:
    return {
        "captured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu": cpu(),
        "os": platform.platform(),
        "python": {
            "version": platform.python_version(),
            "implementation": sys.implementation.name,
            "build": " ".join(sys.version.split()[1:]),
            "executable": sys.executable,
        },
        "gc": {"enabled": gc.isenabled(), "thresholds": list(gc.get_threshold())},
        "covet": covet(),
        "peers": peer_versions(),
    }


def is_debug_build(environment: dict[str, Any]) -> bool:
    build = environment["covet"]["native_build"]
    return bool(build and build.get("is_debug_build"))


def is_test_build(environment: dict[str, Any]) -> bool:
    """Optimized, but not the release profile users get (quick-release: no LTO)."""
    build = environment["covet"]["native_build"]
    if not build or build.get("is_debug_build"):
        return False
    return bool(build.get("cargo_profile", "release") != "release")


def one_line(environment: dict[str, Any]) -> str:
    """``AMD EPYC 7B13 (2 of 2 cores), Linux-..., CPython 3.11.7, covet 0.1.0 release``."""
    machine, covet_info = environment["cpu"], environment["covet"]
    build = covet_info["native_build"]
    profile = build["profile"] if build else "no native extension"
    if is_test_build(environment):
        profile += f" ({build['cargo_profile']} profile)"
    python = environment["python"]
    return (
        f"{machine['model']} ({machine['usable_cores']} of {machine['logical_cores']} cores), "
        f"{environment['os']}, {python['implementation']} {python['version']}, "
        f"covet {covet_info['version']} {profile}"
    )
