"""Whether this process runs under AddressSanitizer (.ci/asan preloads its runtime).

Under ASan some measurements of the process itself stop meaning what the tests need: the
runtime reserves terabytes of address space for its shadow memory (so a child capped with
RLIMIT_AS cannot even start its allocator), and it keeps freed memory in quarantine and pads
every allocation with red zones (so RSS growth measures ASan, not a leak). The tests that
measure those skip under ASan, with this reason; everything else runs.
"""

from __future__ import annotations

import ctypes
from typing import Final

import pytest


def _asan_runtime_loaded() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "__asan_init")
    except OSError:  # no dlopen(NULL) on this platform
        return False


UNDER_ASAN: Final = _asan_runtime_loaded()

REASON: Final = (
    "measures the process's own memory (address space or RSS), which AddressSanitizer's "
    "shadow memory, red zones and quarantine change; .ci/asan runs everything else"
)

skip_under_asan: Final = pytest.mark.skipif(UNDER_ASAN, reason=REASON)
