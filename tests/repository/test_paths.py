"""The repository's own file names check out on every system its users clone it on: no two
tracked paths differ only in case (macOS and Windows keep one of them: docs/BENCH.md and
docs/bench.md once did), and none is a name Windows refuses."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path, PurePosixPath

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# Characters and names a Windows checkout cannot create.
WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*\\\x00-\x1f]')
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def tracked_paths() -> list[str]:
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked paths are unknown")
    listed = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "ls-files", "-z"],
        capture_output=True,
        check=True,
    )
    return [path for path in listed.stdout.decode().split("\0") if path]


def test_no_two_tracked_paths_differ_only_in_case() -> None:
    paths = tracked_paths()
    # Every folder a file sits in counts too: docs/A.md and DOCS/b.md collide at docs/.
    every_path = {str(parent) for path in paths for parent in PurePosixPath(path).parents}
    every_path.update(paths)
    every_path.discard(".")
    by_folded: defaultdict[str, set[str]] = defaultdict(set)
    for path in every_path:
        by_folded[path.casefold()].add(path)
    collisions = sorted(sorted(names) for names in by_folded.values() if len(names) > 1)
    assert not collisions, f"paths that differ only in case: {collisions}"


def test_every_tracked_name_is_valid_on_windows() -> None:
    bad = sorted(
        path
        for path in tracked_paths()
        for part in PurePosixPath(path).parts
        if WINDOWS_FORBIDDEN.search(part)
        or WINDOWS_RESERVED.match(part)
        or part.endswith((".", " "))
    )
    assert not bad, f"names a Windows checkout cannot create: {bad}"


@pytest.mark.parametrize(
    ("paths", "collides"),
    [
        (["docs/BENCH.md", "docs/bench.md"], True),
        (["docs/a.md", "DOCS/b.md"], True),
        (["docs/bench.md", "docs/bench-report.md"], False),
    ],
)
def test_the_case_check_finds_a_collision(
    monkeypatch: pytest.MonkeyPatch, paths: list[str], collides: bool
) -> None:
    """The check itself, on made-up listings: it must be able to fail."""
    monkeypatch.setattr(f"{__name__}.tracked_paths", lambda: paths)
    if collides:
        with pytest.raises(AssertionError, match="differ only in case"):
            test_no_two_tracked_paths_differ_only_in_case()
    else:
        test_no_two_tracked_paths_differ_only_in_case()
