"""Stub for the compiled extension ``covet_rust_core._native`` (crates/covet-python/src/lib.rs).

The functions are in one submodule per domain (``_native/<domain>.pyi``); here: the build
facts.
"""

from typing import Any, Final

from covet_rust_core._native import aio as aio
from covet_rust_core._native import hashing as hashing
from covet_rust_core._native import json as json
from covet_rust_core._native import jwt as jwt
from covet_rust_core._native import strings as strings

__all__ = [
    "__version__",
    "aio",
    "build_profile",
    "hashing",
    "json",
    "jwt",
    "native_info",
    "strings",
]

__version__: Final[str]
build_profile: Final[str]

def native_info() -> dict[str, Any]:
    """Build and CPU facts: version, profile, cargo_profile, opt_level, debug_assertions,
    is_debug_build, rustc, target, pyo3, python_abi, free_threaded_build, cpu_features,
    json_simd (the vector level JSON's text scans use) and json_simd_levels (every level
    this CPU can run; COVET_RUST_CORE_SIMD forces one)."""
