"""What a release promises, checked against the files that make the promise: the table of
published wheels (python/covet_rust_core/_wheels.py), the metadata (pyproject.toml), the
release workflow's matrix (.ci/wheel_matrix.py), the artifact checks (.ci/release_checks.py),
the README as PyPI shows it, and CHANGELOG.md."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import tarfile
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from covet_rust_core import _wheels
from covet_rust_core._version import __version__

from tests.repository.test_paths import tracked_paths

REPO_ROOT = Path(__file__).resolve().parents[2]


def repository_file(relative: str) -> Path:
    path = REPO_ROOT / relative
    if not path.exists():
        pytest.skip(f"not a checkout: {relative} is not here")
    return path


def load_script(relative: str) -> ModuleType:
    path = repository_file(relative)
    name = "covet_test_" + path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def pyproject() -> dict[str, Any]:
    return tomllib.loads(repository_file("pyproject.toml").read_text(encoding="utf-8"))


def test_classifiers_and_requires_python_match_the_wheels() -> None:
    project = pyproject()["project"]
    classifiers = project["classifiers"]
    versions = {
        tuple(int(part) for part in c.rsplit(" ", 1)[1].split("."))
        for c in classifiers
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert versions == set(_wheels.PYTHON_VERSIONS)
    oldest = min(_wheels.PYTHON_VERSIONS)
    assert project["requires-python"] == f">={oldest[0]}.{oldest[1]}"
    assert set(_wheels.FREE_THREADED_VERSIONS) <= set(_wheels.PYTHON_VERSIONS)
    assert [c for c in classifiers if c.startswith("Programming Language :: Python :: Free")] == [
        "Programming Language :: Python :: Free Threading :: 2 - Beta"
    ]
    for wanted in ("Typing :: Typed", "Framework :: Pytest", "Operating System :: MacOS"):
        assert wanted in classifiers
    # PEP 639: the license is the expression; a license classifier would contradict it.
    assert not [c for c in classifiers if c.startswith("License ::")]


def test_the_license_is_an_spdx_expression_with_both_texts() -> None:
    project = pyproject()["project"]
    assert project["license"] == "MIT OR Apache-2.0"
    assert project["license-files"] == ["LICENSE-MIT", "LICENSE-APACHE"]
    cargo = tomllib.loads(repository_file("Cargo.toml").read_text(encoding="utf-8"))
    assert cargo["workspace"]["package"]["license"] == project["license"]
    mit = repository_file("LICENSE-MIT").read_text(encoding="utf-8")
    apache = repository_file("LICENSE-APACHE").read_text(encoding="utf-8")
    assert "Permission is hereby granted, free of charge" in mit
    assert "Apache License" in apache
    assert "Version 2.0, January 2004" in apache
    assert "END OF TERMS AND CONDITIONS" in apache


def test_published_extras_carry_no_maintainer_tools() -> None:
    document = pyproject()
    maintainer_tools = {"ruff", "mypy", "pytest-benchmark", "maturin", "twine", "auditwheel"}
    for extra, requirements in document["project"]["optional-dependencies"].items():
        names = {re.split(r"[<>=;\[ ]", requirement, maxsplit=1)[0] for requirement in requirements}
        assert not names & maintainer_tools, f"extra {extra!r} installs {names & maintainer_tools}"
    groups = document["dependency-groups"]
    assert {"lint", "benchmark", "release"} <= set(groups)


def test_the_workflow_matrix_is_the_wheels_table() -> None:
    matrix = load_script(".ci/wheel_matrix.py").matrix()
    built = [(entry["tag"], entry["python"]) for entry in matrix]
    expected = [
        (platform.tag, f"{major}.{minor}{threading}")
        for platform in _wheels.PLATFORMS
        for (major, minor), threading in [(v, "") for v in _wheels.PYTHON_VERSIONS]
        + ([(v, "t") for v in _wheels.FREE_THREADED_VERSIONS] if platform.free_threaded else [])
    ]
    assert built == expected
    assert len(set(built)) == len(built)
    by_tag = {platform.tag: platform for platform in _wheels.PLATFORMS}
    for entry in matrix:
        platform = by_tag[entry["tag"]]
        assert entry["runner"], entry
        if platform.libc == "glibc":
            assert entry["compatibility"] == "manylinux2014"
            assert entry["tag"].startswith("manylinux_2_17_")
        elif platform.libc == "musl":
            assert entry["compatibility"] == "musllinux_1_2"
            assert entry["test_image"].startswith(f"python:{entry['python']}")
            assert entry["test_image"].endswith("-alpine")
        if platform.system == "Darwin":
            assert entry["macos_deployment_target"] == ".".join(map(str, platform.oldest))
        else:
            assert entry["macos_deployment_target"] == ""
    # aarch64 Linux wheels are built and tested on arm64 runners, never under emulation.
    assert {e["runner"] for e in matrix if "aarch64" in e["tag"]} == {"ubuntu-24.04-arm"}
    workflow = repository_file(".github/workflows/wheels.yml").read_text(encoding="utf-8")
    assert 'python .ci/wheel_matrix.py >> "$GITHUB_OUTPUT"' in workflow
    assert "matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}" in workflow


def test_publishing_is_trusted_and_gated() -> None:
    workflow = repository_file(".github/workflows/wheels.yml").read_text(encoding="utf-8")
    jobs = workflow.split("\n  publish-")[1:]
    assert len(jobs) == 2
    for job in jobs:
        assert "id-token: write" in job
        assert "environment:" in job
        assert "pypa/gh-action-pypi-publish@release/v1" in job
        assert "needs: [wheel, sdist-test]" in job
    assert "github.ref_type == 'tag'" in jobs[0]
    assert "repository-url: https://test.pypi.org/legacy/" in jobs[1]
    # Top-level permissions stay read-only: only the publishing jobs get a token to mint.
    assert workflow.count("id-token: write") == 2


def make_sdist(folder: Path, files: dict[str, bytes]) -> Path:
    path = folder / "covet_rust_core-0.0.0.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(f"covet_rust_core-0.0.0/{name}")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return path


def test_the_sdist_check_refuses_untracked_and_missing_files(tmp_path: Path) -> None:
    checks = load_script(".ci/release_checks.py")
    exact = dict.fromkeys([*tracked_paths(), "PKG-INFO"], b"")
    checks.check_sdist(make_sdist(tmp_path, exact))
    with pytest.raises(checks.ReleaseCheckError, match=r"does not track: \['bench.png'\]"):
        checks.check_sdist(make_sdist(tmp_path, {**exact, "bench.png": b"\x89PNG"}))
    without_lock = {name: data for name, data in exact.items() if name != "Cargo.lock"}
    with pytest.raises(checks.ReleaseCheckError, match=r"no Cargo\.lock"):
        checks.check_sdist(make_sdist(tmp_path, without_lock))


def test_the_strip_check_reads_elf_section_types() -> None:
    checks = load_script(".ci/release_checks.py")
    # A minimal 64-bit little-endian ELF header with two section headers at 0x40.
    header = bytearray(0x40 + 2 * 0x40)
    header[:6] = b"\x7fELF\x02\x01"
    header[0x28:0x30] = (0x40).to_bytes(8, "little")  # e_shoff
    header[0x3A:0x3E] = (0x40).to_bytes(2, "little") + (2).to_bytes(2, "little")
    header[0x40 + 0x40 + 4 : 0x40 + 0x40 + 8] = (3).to_bytes(4, "little")  # SHT_STRTAB
    assert not checks.elf_has_symbol_table(bytes(header))
    header[0x40 + 4 : 0x40 + 8] = (2).to_bytes(4, "little")  # SHT_SYMTAB
    assert checks.elf_has_symbol_table(bytes(header))


def test_readme_links_work_on_pypi() -> None:
    """PyPI shows the README without the repository beside it: a relative link or image
    there is a 404, and an in-page anchor goes nowhere (PyPI gives headings no ids)."""
    readme = repository_file("README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)", readme) + re.findall(r'src="([^"]+)"', readme)
    local = [target for target in targets if not target.startswith(("https://", "http://"))]
    assert not local, f"links PyPI cannot follow: {local}"


def test_changelog_has_this_version() -> None:
    changelog = repository_file("CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(__version__)} ", changelog, re.MULTILINE)


def test_the_tag_check_wants_one_version_everywhere_and_a_dated_changelog(
    tmp_path: Path,
) -> None:
    checks = load_script(".ci/release_checks.py")
    for name in ("pyproject.toml", "Cargo.toml", "CHANGELOG.md"):
        (tmp_path / name).write_bytes(repository_file(name).read_bytes())
    changelog = tmp_path / "CHANGELOG.md"
    with pytest.raises(checks.ReleaseCheckError, match="the versions differ"):
        checks.check_tag("v99.0.0", tmp_path)
    # Until the release is dated, the tag is refused: "(unreleased)" is not a date.
    changelog.write_text(f"# Changelog\n\n## {__version__} (unreleased)\n", encoding="utf-8")
    with pytest.raises(checks.ReleaseCheckError, match=r"headed \(unreleased\)"):
        checks.check_tag(f"v{__version__}", tmp_path)
    changelog.write_text("# Changelog\n\n## 0.0.1 (2026-01-01)\n", encoding="utf-8")
    with pytest.raises(checks.ReleaseCheckError, match="no '## "):
        checks.check_tag(f"v{__version__}", tmp_path)
    changelog.write_text(f"# Changelog\n\n## {__version__} (2026-12-31)\n", encoding="utf-8")
    checks.check_tag(f"v{__version__}", tmp_path)
