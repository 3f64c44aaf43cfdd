"""Test ids for parametrized values whose repr holds a memory address (``object()``,
``memoryview``, bound methods): the address is dropped, so that every collection names the
tests alike (pytest-xdist's workers must collect the same ids, and ``-k``/``--lf`` need
stable names). Two values that then look alike get pytest's numbered suffixes."""

from __future__ import annotations

import re

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def repr_id(value: object) -> str:
    """``repr(value)`` without memory addresses."""
    return _ADDRESS.sub("", repr(value))


def ascii_id(value: object) -> str:
    """``ascii(value)`` without memory addresses."""
    return _ADDRESS.sub("", ascii(value))
