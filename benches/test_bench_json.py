"""pytest-benchmark suites of the JSON workloads: the same documents, operations and
contenders as bench_json.py (both take them from covet_rust_core.bench.json_workloads), one
group per document and operation (``twitter-dumps``, ``api-loads``, ``small-dumps_str``...):

    pip install ".[bench]" pytest-benchmark
    python -m pytest benches/test_bench_json.py --benchmark-only

Not part of the test run (testpaths is tests/), and skipped when pytest-benchmark is not
installed. Each case first checks its contender's output against the standard library's
(a wrong answer fails the case instead of being timed); contenders that are unavailable
(no such function yet, orjson not installed) are skipped with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from covet_rust_core.bench.json_workloads import LIBRARIES, Job, build_workloads, check, resolve

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

pytest.importorskip("pytest_benchmark")

DATA_DIR = Path(__file__).resolve().parent / "data"


def cases() -> list[object]:
    """One case per workload and contender; unavailable contenders skip with the reason."""
    out: list[object] = []
    for workload in build_workloads(data_dir=DATA_DIR):
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
def test_json(benchmark: BenchmarkFixture, workload: Job, slug: str) -> None:
    library = resolve(slug)
    assert not isinstance(library, str)
    call = library.bind(workload.op, workload.payload())
    assert call is not None
    problem = check(workload, call(), workload.reference())
    assert problem is None, f"{library.name}, {workload.name}: {problem}"
    benchmark.group = workload.name
    benchmark(call)
