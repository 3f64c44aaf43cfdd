"""Stub for the compiled extension ``covet_rust_core._native`` (src/lib.rs)."""

from typing import Any, Final

__all__ = ["__version__", "build_profile", "native_info"]

__version__: Final[str]
build_profile: Final[str]

def native_info() -> dict[str, Any]:
    """Build and CPU facts: version, profile, opt_level, debug_assertions, is_debug_build,
    rustc, target, pyo3, python_abi, free_threaded_build, cpu_features."""
