"""Checks the JSON tests share (tests/json/, tests/contract/): strict equality of decoded
values, the contract's decode errors, and the outcome of a call reduced to something two
implementations can compare."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from covet_rust_core._json_errors import JSONDecodeError

from tests.support.outcomes import strict_diff


def compact(obj: Any, **options: Any) -> bytes:
    """What the standard library writes for a plain document, as the contract's bytes."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), **options).encode()


def assert_strict_equal(left: Any, right: Any) -> None:
    found = strict_diff(left, right)
    assert found is None, found


def expected_doc(data: Any) -> str:
    if isinstance(data, str):
        return data
    return bytes(data).decode("utf-8", errors="replace")


def expect_decode_error(module: ModuleType, data: Any, msg: str, pos: int) -> JSONDecodeError:
    """``module.json.loads(data)`` raises the contract's JSONDecodeError with this msg at this pos,
    and ``doc``, ``lineno``, ``colno`` and ``str()`` are those of the standard library."""
    with pytest.raises(JSONDecodeError) as caught:
        module.json.loads(data)
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
        value = module.json.loads(data)
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
