"""The release workflow's build matrix, from the package's table of published wheels.

`python .ci/wheel_matrix.py` prints `matrix=<JSON>` for $GITHUB_OUTPUT: one entry per wheel
(a platform of python/covet_rust_core/_wheels.py and one of its interpreters), with the
runner that builds and tests it. The wheels workflow (.github/workflows/wheels.yml) reads it,
so the wheels built, the classifiers (held to the same table by
tests/repository/test_release.py) and the detector's advice can never disagree. Standard
library only: it runs before anything is built.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent

# GitHub's runner for each platform: native on every one (arm64 Linux runners exist), so no
# wheel is built or tested under emulation. musl wheels are cross-compiled by zig on the
# glibc runner of the same CPU and tested in an Alpine container there.
RUNNERS: Final = {
    "Linux x86_64 (glibc)": "ubuntu-24.04",
    "Linux aarch64 (glibc)": "ubuntu-24.04-arm",
    "Linux x86_64 (musl)": "ubuntu-24.04",
    "Linux aarch64 (musl)": "ubuntu-24.04-arm",
    "macOS arm64": "macos-15",
    "macOS x86_64": "macos-15-intel",
    "Windows x64": "windows-2025",
}

# CPython versions not final yet: Docker's official images have only "-rc" tags for them
# (python:3.15-rc-alpine). docs/RELEASING.md: empty this when 3.15.0 is out (October 2027).
PRERELEASE_PYTHONS: Final = ((3, 15),)


def load_wheels_table() -> ModuleType:
    """python/covet_rust_core/_wheels.py, loaded from its file (the package is not built)."""
    path = ROOT / "python" / "covet_rust_core" / "_wheels.py"
    spec = importlib.util.spec_from_file_location("covet_wheels_table", path)
    assert spec is not None, path
    assert spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def matrix() -> list[dict[str, str]]:
    table = load_wheels_table()
    entries = []
    for platform in table.PLATFORMS:
        versions = [(version, "") for version in table.PYTHON_VERSIONS]
        if platform.free_threaded:
            versions += [(version, "t") for version in table.FREE_THREADED_VERSIONS]
        machine = platform.machines[0]
        for (major, minor), threading in versions:
            python = f"{major}.{minor}{threading}"
            entry = {
                "platform": platform.name,
                "tag": platform.tag,
                "runner": RUNNERS[platform.name],
                "python": python,
                # manylinux2014 = manylinux_2_17, musllinux_1_2: what maturin --compatibility takes.
                "compatibility": "",
                "rust_target": "",
                # The Alpine image the musl wheel is tested in ("" = on the runner itself).
                "test_image": "",
                "macos_deployment_target": "",
            }
            if platform.libc == "glibc":
                entry["compatibility"] = "manylinux2014"
            elif platform.libc == "musl":
                entry["compatibility"] = "musllinux_1_2"
                entry["rust_target"] = f"{machine}-unknown-linux-musl"
                rc = "-rc" if (major, minor) in PRERELEASE_PYTHONS else ""
                entry["test_image"] = f"python:{major}.{minor}{rc}-alpine"
            elif platform.system == "Darwin":
                entry["macos_deployment_target"] = ".".join(map(str, platform.oldest))
            entry["name"] = f"{platform.tag} cp{major}{minor}{threading}"
            entries.append(entry)
    return entries


def main() -> None:
    entries = matrix()
    if sys.argv[1:] == ["--table"]:
        for entry in entries:
            print(f"{entry['name']:<36} {entry['runner']:<18} {entry['test_image'] or 'runner'}")
        return
    print("matrix=" + json.dumps({"include": entries}, separators=(",", ":")))


if __name__ == "__main__":
    main()
