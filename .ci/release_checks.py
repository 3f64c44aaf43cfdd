"""Checks of release artifacts, shared by .ci/release-check (this machine) and the wheels
workflow (.github/workflows/wheels.yml). Standard library only, except `metadata`, which
needs trove-classifiers (the `release` dependency group).

    python .ci/release_checks.py sdist SDIST       the sdist packs exactly what git tracks
    python .ci/release_checks.py wheel WHEEL...    sizes; an ELF extension has no symbol table
    python .ci/release_checks.py metadata WHEEL    PEP 639 fields and files, known classifiers
    python .ci/release_checks.py tag TAG           the tag (v1.2.3) is the version everywhere

Each prints what it checked and exits 1 with the reason when a check fails.
"""

from __future__ import annotations

import email.parser
import os
import re
import struct
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
LICENSE_FILES: Final = ("LICENSE-APACHE", "LICENSE-MIT")


class ReleaseCheckError(Exception):
    pass


def check_sdist(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = [member.name for member in archive.getmembers() if member.isfile()]
    prefix = names[0].split("/", 1)[0] + "/"
    packed = {name.removeprefix(prefix) for name in names}
    # -z: names as they are (plain output quotes non-ASCII names in C style).
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, text=True, check=True
    ).stdout
    tracked = set(listed.split("\0")) - {""}
    extra = sorted(packed - tracked - {"PKG-INFO"})
    missing = sorted(tracked - packed)
    if "Cargo.lock" not in packed:
        raise ReleaseCheckError("the sdist has no Cargo.lock")
    if extra:
        raise ReleaseCheckError(f"the sdist packs files git does not track: {extra}")
    if missing:
        raise ReleaseCheckError(f"the sdist leaves out files git tracks: {missing}")
    print(
        f"sdist {sdist.name}: {sdist.stat().st_size / 1e6:.2f} MB, {len(packed)} files = the "
        f"{len(tracked)} files git tracks + PKG-INFO"
    )


def elf_has_symbol_table(data: bytes) -> bool:
    """Whether an ELF file has a SHT_SYMTAB section (what `strip` removes)."""
    is_64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    if is_64:
        shoff, shentsize, shnum = (
            struct.unpack_from(endian + "Q", data, 0x28)[0],
            *struct.unpack_from(endian + "HH", data, 0x3A),
        )
    else:
        shoff, shentsize, shnum = (
            struct.unpack_from(endian + "I", data, 0x20)[0],
            *struct.unpack_from(endian + "HH", data, 0x2E),
        )
    sht_symtab = 2
    return any(
        struct.unpack_from(endian + "I", data, shoff + index * shentsize + 4)[0] == sht_symtab
        for index in range(shnum)
    )


def check_wheels(wheels: list[Path]) -> None:
    rows = ["| wheel | wheel size | extension | extension size |", "|---|---|---|---|"]
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            [extension] = [
                name for name in archive.namelist() if re.search(r"/_native[^/]*\.(so|pyd)$", name)
            ]
            data = archive.read(extension)
        stripped = ""
        if data[:4] == b"\x7fELF":
            if elf_has_symbol_table(data):
                message = f"{wheel.name}: {extension} is not stripped (it has .symtab)"
                raise ReleaseCheckError(message)
            stripped = ", stripped"
        size, wheel_size = len(data) / 1e6, wheel.stat().st_size / 1e6
        print(f"{wheel.name}: {wheel_size:.2f} MB; {extension}: {size:.2f} MB{stripped}")
        rows.append(f"| {wheel.name} | {wheel_size:.2f} MB | {extension} | {size:.2f} MB |")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as out:
            out.write("\n".join(rows) + "\n")


def check_metadata(wheel: Path) -> None:
    import trove_classifiers  # noqa: PLC0415 - only this check needs it

    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [metadata_name] = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
    classifiers = metadata.get_all("Classifier") or []
    unknown = [c for c in classifiers if c not in trove_classifiers.classifiers]
    deprecated = [c for c in classifiers if c in trove_classifiers.deprecated_classifiers]
    if unknown or deprecated:
        raise ReleaseCheckError(f"classifiers unknown: {unknown}, deprecated: {deprecated}")
    if any(c.startswith("License ::") for c in classifiers):
        raise ReleaseCheckError("PEP 639: the license is an expression, not a classifier")
    if metadata["License-Expression"] != "MIT OR Apache-2.0":
        raise ReleaseCheckError(f"License-Expression: {metadata['License-Expression']!r}")
    if sorted(metadata.get_all("License-File") or []) != list(LICENSE_FILES):
        raise ReleaseCheckError(f"License-File: {metadata.get_all('License-File')}")
    dist_info = metadata_name.rsplit("/", 1)[0]
    for license_file in LICENSE_FILES:
        if f"{dist_info}/licenses/{license_file}" not in names:
            raise ReleaseCheckError(f"{license_file} is not in the wheel")
    print(
        f"Metadata-Version {metadata['Metadata-Version']}, License-Expression "
        f"{metadata['License-Expression']!r}, {' and '.join(LICENSE_FILES)} in the wheel, "
        f"{len(classifiers)} classifiers, all known"
    )


def check_tag(tag: str, root: Path = ROOT) -> None:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    cargo = tomllib.loads((root / "Cargo.toml").read_text(encoding="utf-8"))
    versions = {
        "the tag": tag.removeprefix("v"),
        "pyproject.toml": pyproject["project"]["version"],
        "Cargo.toml": cargo["workspace"]["package"]["version"],
    }
    if len(set(versions.values())) != 1:
        raise ReleaseCheckError(f"the versions differ: {versions}")
    version = versions["the tag"]
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    heading = re.search(rf"^## {re.escape(version)} \((.*)\)$", changelog, re.MULTILINE)
    if heading is None:
        raise ReleaseCheckError(f"CHANGELOG.md has no '## {version} (...)' section")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", heading[1]):
        raise ReleaseCheckError(
            f"CHANGELOG.md's {version} section is headed ({heading[1]}), not the release "
            "date (YYYY-MM-DD)"
        )
    print(f"version {version}: the tag, both manifests and CHANGELOG.md ({heading[1]}) agree")


def main(argv: list[str]) -> int:
    commands = {
        "sdist": lambda args: check_sdist(Path(args[0])),
        "wheel": lambda args: check_wheels([Path(arg) for arg in args]),
        "metadata": lambda args: check_metadata(Path(args[0])),
        "tag": lambda args: check_tag(args[0]),
    }
    if len(argv) < 2 or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        commands[argv[0]](argv[1:])
    except ReleaseCheckError as failure:
        print(f"release check failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
