"""What the JWT twin reads of the caller's objects, read through their base types, as the
native side reads them (crates/covet-python/src/jwt/base_types.rs).

A value of a supported type (dict, list, tuple, set, frozenset, str, bytes, int, float,
datetime, timedelta) may be a subclass: its overridden methods (``items``, ``__iter__``,
``__len__``, ``__eq__``, ``__hash__``, ``encode``, ``__float__``, ``utctimetuple``,
``total_seconds``, ...) are never called, and a lying ``__class__`` is not believed (types
are checked with ``type()``, as CPython's C-level checks do). Containers are copied first,
without running any of the caller's code, and the copy is what is read: a key's
``__hash__`` that runs later cannot change what is read.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any, Final

__all__ = [
    "MISSING",
    "bytes_data",
    "collection_items",
    "dict_items",
    "is_a",
    "is_empty_text",
    "is_truthy",
    "key_text",
    "member",
    "number_as_float",
    "numeric_date",
    "plain_key",
    "total_seconds",
]

# What ``member`` returns for a name that is not there (None may be a value).
MISSING: Final = object()


def is_a(value: object, cls: type | tuple[type, ...]) -> bool:
    """``isinstance`` by the value's real type: its ``__class__`` attribute is not asked."""
    return issubclass(type(value), cls)


def bytes_data(value: bytes) -> bytes:
    """An exact ``bytes`` copy of a bytes (or subclass) value's data. ``bytes.__getitem__``
    with a full slice copies the stored bytes of a subclass (an exact bytes comes back as
    itself), calling none of its methods; ``bytes.__bytes__`` would do the same but only
    exists from Python 3.11."""
    return bytes.__getitem__(value, slice(None))


def dict_items(value: dict[Any, Any]) -> list[tuple[Any, Any]]:
    """The items of a dict or a subclass, through dict itself, copied (no code of the
    caller's runs while they are copied)."""
    return list(dict.items(value))


def collection_items(value: object) -> list[Any] | None:
    """The items of a ``list``, ``tuple``, ``set`` or ``frozenset`` (or a subclass) through
    the base type, in its iteration order; None for any other object."""
    kind = type(value)
    if issubclass(kind, list):
        return list.copy(value)  # type: ignore[arg-type]
    if issubclass(kind, tuple):
        return list(tuple.__iter__(value))  # type: ignore[arg-type]
    if issubclass(kind, set):
        return list(set.__iter__(value))  # type: ignore[arg-type]
    if issubclass(kind, frozenset):
        return list(frozenset.__iter__(value))  # type: ignore[arg-type]
    return None


def key_text(key: object) -> str | None:
    """A dict key's text for lookups by name: a str (or subclass) as its characters; None
    for anything else, and for a str holding a lone surrogate (no name matches it)."""
    if not is_a(key, str):
        return None
    text = str.__str__(key)
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            return None
    return text


def member(items: list[tuple[Any, Any]], name: str) -> Any:
    """The value of the last item whose key is the str ``name`` (by its characters), or
    ``MISSING``: what a dict built from ``items`` by text would keep."""
    for key, value in reversed(items):
        if key_text(key) == name:
            return value
    return MISSING


def plain_key(key: object) -> object:
    """A key for a dict the twin builds: a str subclass as the exact str of its characters
    (its ``__hash__`` and ``__eq__`` never decide which keys collide); anything else kept."""
    if is_a(key, str) and type(key) is not str:
        return str.__str__(key)
    return key


def is_empty_text(text: str) -> bool:
    """Whether a str (or subclass) holds no characters: its length, not its ``__len__``."""
    return str.__len__(text) == 0


def is_truthy(value: object) -> bool:
    """``bool(value)``, except that a str (or subclass) is true when it holds characters."""
    if is_a(value, str):
        return not is_empty_text(value)  # type: ignore[arg-type]
    return bool(value)


def number_as_float(value: int | float) -> float:
    """An int or float (or subclass; not bool, the caller checks) as ``int.__float__`` and
    ``float.__float__`` give it: a subclass's ``__float__`` is not called."""
    if is_a(value, float):
        return float.__float__(value)
    return int.__float__(value)  # type: ignore[arg-type]


def total_seconds(delta: datetime.timedelta) -> float:
    """``datetime.timedelta.total_seconds``, the base method, whatever a subclass overrides."""
    return datetime.timedelta.total_seconds(delta)


def numeric_date(value: datetime.datetime) -> int:
    """The NumericDate of a datetime (or subclass) by the base ``utctimetuple`` (a naive
    datetime is taken as UTC, as PyJWT does)."""
    return calendar.timegm(datetime.datetime.utctimetuple(value))
