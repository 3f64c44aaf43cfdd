"""Helpers shared by the JSON tests (tests/json/): the two backends, strict equality
of decoded values, and the outcome of a call reduced to something two backends can compare."""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any

import pytest
from covet_rust_core._json_errors import JSONDecodeError, JSONEncodeError

__all__ = [
    "JSONDecodeError",
    "JSONEncodeError",
    "assert_strict_equal",
    "compact",
    "dump_outcome",
    "expect_decode_error",
    "is_native",
    "load_outcome",
    "native",
    "strict_diff",
    "twin",
]


def native() -> ModuleType:
    return importlib.import_module("covet_rust_core._native")


def twin() -> ModuleType:
    return importlib.import_module("covet_rust_core.fallback")


def is_native(module: ModuleType) -> bool:
    return module.__name__.endswith("_native")


def compact(obj: Any, **options: Any) -> bytes:
    """What the standard library writes for a plain document, as the contract's bytes."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), **options).encode()


def strict_diff(left: Any, right: Any, where: str = "$") -> str | None:
    """None when the two values are equal with the same types all the way down; floats by
    ``repr`` (so ``-0.0`` differs from ``0.0`` and a NaN equals a NaN); dicts in order.
    Otherwise a description of the first difference."""
    if type(left) is not type(right):
        left_type, right_type = type(left).__name__, type(right).__name__
        return f"{where}: {left_type} {left!r:.80} != {right_type} {right!r:.80}"
    pairs: list[tuple[Any, Any, str]] = []
    if isinstance(left, (list, tuple)):
        if len(left) != len(right):
            return f"{where}: length {len(left)} != {len(right)}"
        pairs = [(a, b, f"{where}[{i}]") for i, (a, b) in enumerate(zip(left, right, strict=True))]
    elif isinstance(left, dict):
        pairs = [(list(left), list(right), f"{where}.keys()")]
        pairs += [(left[key], right.get(key), f"{where}[{key!r}]") for key in left]
    elif repr(left) != repr(right) if isinstance(left, float) else left != right:
        return f"{where}: {left!r:.80} != {right!r:.80}"
    for a, b, place in pairs:
        found = strict_diff(a, b, place)
        if found is not None:
            return found
    return None


def assert_strict_equal(left: Any, right: Any) -> None:
    found = strict_diff(left, right)
    assert found is None, found


def expected_doc(data: Any) -> str:
    if isinstance(data, str):
        return data
    return bytes(data).decode("utf-8", errors="replace")


def expect_decode_error(module: ModuleType, data: Any, msg: str, pos: int) -> JSONDecodeError:
    """``module.loads(data)`` raises the contract's JSONDecodeError with this msg at this pos,
    and ``doc``, ``lineno``, ``colno`` and ``str()`` are those of the standard library."""
    with pytest.raises(JSONDecodeError) as caught:
        module.loads(data)
    error = caught.value
    assert type(error) is JSONDecodeError
    assert (error.msg, error.pos) == (msg, pos), data if len(data) < 200 else data[:200]
    doc = expected_doc(data)
    assert error.doc == doc
    lineno = doc.count("\n", 0, pos) + 1
    colno = pos - doc.rfind("\n", 0, pos)
    assert (error.lineno, error.colno) == (lineno, colno)
    assert str(error) == f"{msg}: line {lineno} column {colno} (char {pos})"
    return error


def load_outcome(module: ModuleType, data: Any) -> tuple[Any, ...]:
    """``("ok", value)``, or the decode error's fields, or the other exception's type."""
    try:
        value = module.loads(data)
    except JSONDecodeError as error:
        return ("JSONDecodeError", error.msg, error.pos, error.lineno, error.colno, error.doc)
    except Exception as error:
        return ("raised", type(error).__name__)
    return ("ok", value)


def same_load_outcome(left: tuple[Any, ...], right: tuple[Any, ...]) -> str | None:
    if left[0] == right[0] == "ok":
        return strict_diff(left[1], right[1])
    return None if left == right else f"{left!r:.300} != {right!r:.300}"


def dump_outcome(function: Any, obj: Any, **options: Any) -> tuple[str, Any]:
    """``("ok", output)``, or the exception's type name and message."""
    try:
        return ("ok", function(obj, **options))
    except Exception as error:
        return (type(error).__name__, str(error))
