"""Exact-exception checks, outcomes two implementations can compare, and strict equality
(types all the way down) of what they return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

E = TypeVar("E", bound=BaseException)


def expect(
    cls: type[E], message: str | None, call: Callable[..., object], *args: Any, **kwargs: Any
) -> E:
    """``call(*args, **kwargs)`` raises exactly ``cls`` (not a subclass), with exactly
    ``message`` as its ``str()`` unless ``message`` is None; returns the exception."""
    with pytest.raises(cls) as excinfo:
        call(*args, **kwargs)
    error = excinfo.value
    assert type(error) is cls, f"{type(error).__name__} raised, {cls.__name__} expected: {error}"
    if message is not None:
        assert str(error) == message
    return error


def outcome(call: Callable[..., object], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """``("ok", result)`` or ``(exception class name, message)``: comparable across
    implementations."""
    try:
        return ("ok", call(*args, **kwargs))
    except Exception as error:
        return (type(error).__name__, str(error))


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
