# The public hashing API, typed as the native one; the twin has the same names and signatures
# (tests/contract/test_exports.py).
from covet_rust_core._native.hashing import *  # noqa: F403 (the stub re-exports that module's __all__)
from covet_rust_core._native.hashing import __all__ as __all__
