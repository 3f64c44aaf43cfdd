"""A short soak, in the slow tier (``--run-slow``; benches/soak.py is the long one, by hand):
the mix of tests/support/soak.py (every public function, a tenth of the calls with failing
inputs) on each implementation, with the resident set size and the reference counts watched
after a warm-up.

The RSS bound, measured: five runs of this test alone per backend (this 2-core machine,
Python 3.11.7, release build) grew the RSS after the warm-up by 0.004 to 0.039 MB on the
native backend (50,000 calls) and by 0.016 to 0.031 MB on the twin (25,000 calls); inside the
whole suite, 0.000 MB on both. The bound, 1 MB, is 25 times the worst of those, so the test
does not flake; it still catches a leak of 26 bytes per call (40,000 calls after the
warm-up), a 64-byte object leaked by every call, or a 2 KiB buffer leaked by any one call of
the mix. Leaks of references are the reference counts' job (see SoakResult.refcount_problems).
No tracemalloc here (its own tables grow the RSS, and it slows the twin ~100x); the long soak
reports it over a tail of its own."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.support.asan import UNDER_ASAN
from tests.support.implementations import name_of
from tests.support.soak import soak

MB = 1 << 20
# See the module docstring for the measurements behind it.
RSS_BOUND: int = 1 * MB
# (calls, warm-up) per backend: the twin is ~30x slower per call.
RUNS = {"native": (50_000, 10_000), "twin": (25_000, 5_000)}


@pytest.mark.slow
def test_soak(impl: ModuleType, tmp_path: Path) -> None:
    backend = name_of(impl)
    calls, warmup = RUNS[backend]
    result = soak(
        impl,
        backend,
        tmp_path,
        calls=calls,
        warmup=warmup,
        every=1_000,
    )
    assert result.errors == []
    assert result.failing_calls == calls // 10
    growth = result.rss_growth
    drift = max(
        (abs(end - middle) for middle, end in result.second_half_changes.values()), default=0
    )
    print(
        f"soak {backend}: {calls:,} calls, RSS growth after warm-up {growth / MB:+.3f} MB, "
        f"largest second-half drift of a shared count {drift} (bound {result.shared_tolerance})"
    )
    # Under AddressSanitizer (.ci/asan) the RSS measures ASan's quarantine and red zones,
    # not a leak (tests/support/asan.py); the errors and reference counts are still checked.
    if not UNDER_ASAN:
        assert growth <= RSS_BOUND, [(sample.calls, sample.rss) for sample in result.samples]
    # Every argument's count exactly as it was; shared objects (None, small ints) within
    # half the number of times the least frequent call ran (see SoakResult).
    assert result.refcount_problems == {}, result.refcount_changes
