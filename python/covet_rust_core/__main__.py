"""``python -m covet_rust_core``: the doctor report; ``python -m covet_rust_core bench``:
the benchmark (``covet_rust_core.bench.cli``).

Exit status: 0 when the native release build is active, 1 when the pure-Python fallback is
active (so a deploy script can gate on it), 2 when the native extension is a debug build.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import sysconfig
from typing import Any

from . import _backend

EXIT_NATIVE: int = 0
EXIT_FALLBACK: int = 1
EXIT_DEBUG_BUILD: int = 2


def probe_unused_native() -> dict[str, Any] | str:
    """In forced fallback the extension is not loaded; say whether it would have been."""
    try:
        native = importlib.import_module(_backend.NATIVE_MODULE)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    info: dict[str, Any] = native.native_info()
    info["file"] = native.__file__
    return info


def collect() -> dict[str, Any]:
    info = _backend.native_info()
    report: dict[str, Any] = {
        "backend": info["backend"],
        "mode": info["mode"],
        "reason": info["reason"],
        "diagnosis": info["diagnosis"],
        "package_version": info["package_version"],
        "extension": None,
        "python": {
            "implementation": sys.implementation.name,
            "version": platform.python_version(),
            "executable": sys.executable,
            "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
            "extension_suffixes": _backend.wanted_file_names(),
        },
        "platform": platform.platform(),
        "machine": platform.machine(),
    }
    if info["backend"] == "native":
        report["extension"] = {k: v for k, v in info.items() if k not in report}
    elif info["mode"] == "fallback":
        report["unused_extension"] = probe_unused_native()
    report["exit_status"] = exit_status(report)
    return report


def exit_status(report: dict[str, Any]) -> int:
    if report["backend"] != "native":
        return EXIT_FALLBACK
    if report["extension"]["is_debug_build"]:
        return EXIT_DEBUG_BUILD
    return EXIT_NATIVE


def render(report: dict[str, Any]) -> str:
    rows: list[tuple[str, str]] = [
        ("backend", report["backend"].upper() if report["backend"] == "fallback" else "native"),
        ("mode", f"{_backend.ENV_VAR}={report['mode']}"),
        ("why", report["reason"]),
        ("package", report["package_version"]),
    ]
    ext = report["extension"]
    if ext is not None:
        rows += [
            ("extension", f"{ext['version']} from {ext['file']}"),
            (
                "build",
                f"{ext['profile']} (opt-level {ext['opt_level']}, "
                f"debug assertions {'on' if ext['debug_assertions'] else 'off'})",
            ),
            ("rustc", ext["rustc"]),
            ("target", ext["target"]),
            ("pyo3", ext["pyo3"]),
            ("built for", ext["python_abi"]),
            ("cpu features", " ".join(ext["cpu_features"]) or "(none detected)"),
            (
                "json simd",
                f"{ext['json_simd']} (available: {' '.join(ext['json_simd_levels'])}; "
                "COVET_RUST_CORE_SIMD forces one)",
            ),
        ]
    unused = report.get("unused_extension")
    if isinstance(unused, dict):
        rows.append(
            (
                "extension",
                f"{unused['version']} {unused['profile']} build present, "
                f"not used (forced fallback): {unused['file']}",
            )
        )
    elif isinstance(unused, str):
        rows.append(("extension", f"not loadable either: {unused}"))
    py = report["python"]
    rows += [
        (
            "python",
            f"{py['implementation']} {py['version']}"
            f"{' free-threaded' if py['free_threaded'] else ''} ({py['executable']})",
        ),
        ("loads", " or ".join(py["extension_suffixes"])),
        ("platform", report["platform"]),
    ]
    width = max(len(label) for label, _ in rows)
    lines = ["covet_rust_core doctor", ""]
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    lines.append("")
    status = report["exit_status"]
    if status == EXIT_NATIVE:
        lines.append("OK: the native release build is active.")
    elif status == EXIT_DEBUG_BUILD:
        lines.append("WARNING: the native extension is a DEBUG build, many times slower.")
        lines.append(_backend.DEBUG_FIX)
    else:
        lines.append("WARNING: the pure-Python FALLBACK is active, many times slower.")
        lines.append(report["diagnosis"])
    lines.append(f"exit status {status}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["bench"]:
        from .bench import cli  # noqa: PLC0415 - the bench's modules load only for the bench

        return cli.main(arguments[1:])
    parser = argparse.ArgumentParser(
        prog="python -m covet_rust_core",
        description="Report which covet_rust_core backend runs and why. Exit status: "
        "0 native release build, 1 pure-Python fallback, 2 native debug build. "
        "`python -m covet_rust_core bench --help`: the benchmark.",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(arguments)
    report = collect()
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(render(report))
    return int(report["exit_status"])


if __name__ == "__main__":
    sys.exit(main())
