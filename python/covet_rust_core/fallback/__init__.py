"""The pure-Python twin of ``covet_rust_core._native``.

One module per domain (``json``, ``jwt``, ``hashing``, ``strings``, ``aio``), each with the
names, signatures, results and exception types of ``_native.<domain>``
(tests/contract/test_exports.py compares names and signatures). It never imports the
extension, so the two can be imported side by side (the tests and benchmarks hold them
against each other).
"""

from __future__ import annotations

from covet_rust_core._version import __version__ as __version__
from covet_rust_core.fallback import aio, hashing, json, jwt, strings

__all__ = ["aio", "hashing", "json", "jwt", "strings"]
