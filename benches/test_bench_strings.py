"""pytest-benchmark suites of the string-helper workloads: the same inputs, contenders and
anchors as bench_strings.py (both take them from covet_rust_core.bench.strings_workloads),
one group per workload (``escape_html-10KB``, ``slugify-unicode``, ``multi_replace-words``...):

    pip install ".[bench]"
    python -m pytest benches/test_bench_strings.py --benchmark-only

Not part of the test run (testpaths is tests/), and skipped when pytest-benchmark is not
installed. Each case first checks its contender's output against the anchor's (``str()`` of
markupsafe's ``Markup``), so a wrong answer fails the case instead of being timed;
contenders that are unavailable (no such function yet, an anchor not installed) are skipped
with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from covet_rust_core.bench.strings_workloads import (
    JOBS,
    Job,
    NoReference,
    check,
    entries,
    entry,
    expected,
)

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

pytest.importorskip("pytest_benchmark")


def cases() -> list[object]:
    """One case per job and contender; unavailable contenders skip with the reason."""
    out: list[object] = []
    for job in JOBS:
        for item in entries(job):
            case = pytest.param(
                job,
                item.slug,
                id=f"{job.name}-{item.slug}",
                marks=[pytest.mark.skip(reason=item.reason)] if item.reason else [],
            )
            out.append(case)
    return out


@pytest.mark.parametrize(("job", "slug"), cases())
def test_strings(benchmark: BenchmarkFixture, job: Job, slug: str) -> None:
    reference = expected(job.name)
    if isinstance(reference, NoReference):
        pytest.skip(reference.reason)
    item = entry(job, slug)
    assert item.bind is not None
    call = item.bind(job.inputs())
    problem = check(job, call(), anchor=item.name == job.anchor)
    assert problem is None, f"{item.name}, {job.name}: {problem}"
    benchmark.group = job.name
    benchmark(call)
