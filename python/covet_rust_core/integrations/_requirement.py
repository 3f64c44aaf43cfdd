"""The ImportError of an integration whose framework is not installed."""

from __future__ import annotations


def missing_framework(module: str, framework: str, extra: str) -> ImportError:
    """An ImportError saying that ``module`` needs ``framework``, and how to install it."""
    return ImportError(
        f"{module} needs {framework}, which is not installed: "
        f"pip install 'covet_rust_core[{extra}]' (or install {framework} yourself)"
    )
