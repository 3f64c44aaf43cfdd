"""pytest-benchmark suites of the JSON workloads: the same documents, operations and
contenders as bench_json.py (both take them from workloads_json.py), one group per
document and operation (``twitter-dumps``, ``canada-loads``, ``small-dumps_str``...):

    pip install ".[bench]" pytest-benchmark
    python -m pytest benches/test_bench_json.py --benchmark-only

Not part of the test run (testpaths is tests/), and skipped when pytest-benchmark is not
installed. Each case first checks its contender's output against the standard library's
(a wrong answer fails the case instead of being timed); contenders that are unavailable
(no such function yet, orjson not installed) are skipped with the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workloads_json import LIBRARIES, Workload, build_workloads, check, resolve

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

pytest.importorskip("pytest_benchmark")


def cases() -> list[object]:
    """One case per workload and contender; unavailable contenders skip with the reason."""
    out: list[object] = []
    for workload in build_workloads():
        for slug in LIBRARIES:
            library = resolve(slug)
            reason = library if isinstance(library, str) else library.missing.get(workload.op)
            case = pytest.param(
                workload,
                slug,
                id=f"{workload.name}-{slug}",
                marks=[pytest.mark.skip(reason=reason)] if reason else [],
            )
            out.append(case)
    return out


@pytest.mark.parametrize(("workload", "slug"), cases())
def test_json(benchmark: BenchmarkFixture, workload: Workload, slug: str) -> None:
    library = resolve(slug)
    assert not isinstance(library, str)
    call = library.bind(workload.op, workload.payload())
    assert call is not None
    problem = check(workload, call(), workload.reference())
    assert problem is None, f"{library.name}, {workload.name}: {problem}"
    benchmark.group = workload.name
    benchmark(call)
