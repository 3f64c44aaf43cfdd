"""covet_rust_core: fast JSON, JWT, hashing and string helpers for Python web applications.

The native extension (``covet_rust_core._native``) and its pure-Python twin
(``covet_rust_core.fallback``) give identical results. Which one runs is decided once, at
import, by the detector in ``_backend``; it is never silent about the fallback:

>>> import covet_rust_core
>>> covet_rust_core.BACKEND  # "native" or "fallback"
'native'

JSON is at the top level (``covet_rust_core.dumps``, ``dumps_str``, ``loads`` and their
errors); hashing is in ``covet_rust_core.hashing``.

``python -m covet_rust_core`` prints a doctor report and exits non-zero on the fallback.
"""

from __future__ import annotations

from ._backend import (
    BACKEND,
    ENV_VAR,
    CovetDebugBuildWarning,
    CovetFallbackWarning,
    CovetWarning,
    NativeUnavailableError,
    native_info,
    require_native,
)
from ._version import __version__
from .json import JSONDecodeError, JSONEncodeError, dumps, dumps_str, loads

__all__ = [
    "BACKEND",
    "ENV_VAR",
    "CovetDebugBuildWarning",
    "CovetFallbackWarning",
    "CovetWarning",
    "JSONDecodeError",
    "JSONEncodeError",
    "NativeUnavailableError",
    "__version__",
    "dumps",
    "dumps_str",
    "loads",
    "native_info",
    "require_native",
]
