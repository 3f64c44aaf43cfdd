"""pytest-benchmark suites of the JWT workloads: the same claims, keys, algorithms, key forms
and contenders as bench_jwt.py (both take them from workloads_jwt.py), one group per
workload (``HS256-encode``, ``RS256-decode-prepared``, ``EdDSA-encode-pem``...):

    pip install ".[bench]"
    python -m pytest benches/test_bench_jwt.py --benchmark-only

Not part of the test run (testpaths is tests/), and skipped when pytest-benchmark is not
installed. Each case first checks its contender's output (decode: the claims; encode: PyJWT
decodes the token to the same claims), so a wrong answer fails the case instead of being
timed; contenders that are unavailable (no such function yet, oxyjwt not installed or
without PEM string keys) are skipped with the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workloads_jwt import LIBRARIES, Workload, build_workloads, check, resolve

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

pytest.importorskip("pytest_benchmark")


def cases() -> list[object]:
    """One case per workload and contender; unavailable contenders skip with the reason."""
    out: list[object] = []
    for workload in build_workloads():
        for slug in LIBRARIES:
            library = resolve(slug)
            reason = library if isinstance(library, str) else library.unavailable(workload)
            case = pytest.param(
                workload,
                slug,
                id=f"{workload.name}-{slug}",
                marks=[pytest.mark.skip(reason=reason)] if reason else [],
            )
            out.append(case)
    return out


@pytest.mark.parametrize(("workload", "slug"), cases())
def test_jwt(benchmark: BenchmarkFixture, workload: Workload, slug: str) -> None:
    library = resolve(slug)
    assert not isinstance(library, str)
    fixture = workload.fixture()
    call = library.bind(workload, fixture)
    problem = check(workload, call(), fixture)
    assert problem is None, f"{library.name}, {workload.name}: {problem}"
    benchmark.group = workload.name
    benchmark(call)
