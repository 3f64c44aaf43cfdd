"""pytest-benchmark suites of the string-helper workloads: the same inputs, contenders and
anchors as bench_strings.py (both take them from workloads_strings.py), one group per
workload (``escape_html-10KB``, ``slugify-unicode``, ``multi_replace-words``...):

    pip install ".[bench]"
    python -m pytest benches/test_bench_strings.py --benchmark-only

Not part of the test run (testpaths is tests/), and skipped when pytest-benchmark is not
installed. Each case first checks its contender's output against the anchor's (``str()`` of
markupsafe's ``Markup``), so a wrong answer fails the case instead of being timed;
contenders that are unavailable (no such function yet, an anchor not installed) are skipped
with the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workloads_strings import WORKLOADS, NoReference, Workload, check, entries, entry, expected

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

pytest.importorskip("pytest_benchmark")


def cases() -> list[object]:
    """One case per workload and contender; unavailable contenders skip with the reason."""
    out: list[object] = []
    for workload in WORKLOADS:
        for item in entries(workload):
            case = pytest.param(
                workload,
                item.slug,
                id=f"{workload.name}-{item.slug}",
                marks=[pytest.mark.skip(reason=item.reason)] if item.reason else [],
            )
            out.append(case)
    return out


@pytest.mark.parametrize(("workload", "slug"), cases())
def test_strings(benchmark: BenchmarkFixture, workload: Workload, slug: str) -> None:
    reference = expected(workload.name)
    if isinstance(reference, NoReference):
        pytest.skip(reference.reason)
    item = entry(workload, slug)
    assert item.bind is not None
    call = item.bind(workload.inputs())
    problem = check(workload, call(), anchor=item.name == workload.anchor)
    assert problem is None, f"{item.name}, {workload.name}: {problem}"
    benchmark.group = workload.name
    benchmark(call)
