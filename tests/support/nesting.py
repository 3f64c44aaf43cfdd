"""Containers nested to a given depth, for the nesting limits (docs/JSON.md: 1024)."""

from __future__ import annotations

from typing import Any


def nested_lists(depth: int, innermost: Any = None) -> Any:
    """``depth`` nested lists; the innermost holds ``innermost`` (or is empty)."""
    value: Any = [] if innermost is None else [innermost]
    for _ in range(depth - 1):
        value = [value]
    return value


def nested_dicts(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"k": value}
    return value
