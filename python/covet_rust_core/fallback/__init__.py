"""The pure-Python twin of ``covet_rust_core._native``.

One module per domain, mirroring ``src/`` in the Rust crate, with the same signatures,
results and exception types as the native side. It never imports the extension, so it can
be imported side by side with it (the tests and benchmarks hold the two against each other).

``__all__`` lists every function the twin shares with the extension; the test suite checks
that the two export the same public names (apart from the native-only build report).
"""

from __future__ import annotations

from covet_rust_core._version import __version__ as __version__

__all__: list[str] = []
