"""pytest-benchmark suites of the JWT workloads: the same claims, keys, algorithms, key forms
and contenders as bench_jwt.py (both take them from covet_rust_core.bench.jwt_workloads),
one group per workload (``HS256-encode``, ``RS256-decode-prepared``, ``EdDSA-encode-pem``...):

    pip install ".[bench]"
    python -m pytest benches/test_bench_jwt.py --benchmark-only

Not part of the test run (testpaths is tests/), and skipped when pytest-benchmark is not
installed. Each case first checks its contender's output (decode: the claims; encode: PyJWT
decodes the token to the same claims), so a wrong answer fails the case instead of being
timed; contenders that are unavailable (no such function yet, oxyjwt not installed or
without PEM string keys) are skipped with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from covet_rust_core.bench.jwt_workloads import LIBRARIES, Job, build_jobs, check, resolve

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

pytest.importorskip("pytest_benchmark")


def cases() -> list[object]:
    """One case per job and contender; unavailable contenders skip with the reason."""
    out: list[object] = []
    for job in build_jobs():
        for slug in LIBRARIES:
            library = resolve(slug)
            reason = library if isinstance(library, str) else library.unavailable(job)
            case = pytest.param(
                job,
                slug,
                id=f"{job.name}-{slug}",
                marks=[pytest.mark.skip(reason=reason)] if reason else [],
            )
            out.append(case)
    return out


@pytest.mark.parametrize(("job", "slug"), cases())
def test_jwt(benchmark: BenchmarkFixture, job: Job, slug: str) -> None:
    library = resolve(slug)
    assert not isinstance(library, str)
    fixture = job.fixture()
    call = library.bind(job, fixture)
    problem = check(job, call(), fixture)
    assert problem is None, f"{library.name}, {job.name}: {problem}"
    benchmark.group = job.name
    benchmark(call)
