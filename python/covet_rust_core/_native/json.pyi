"""Stub for ``covet_rust_core._native.json`` (crates/covet-python/src/json/):
the names and signatures of its twin ``covet_rust_core.fallback.json``."""

from collections.abc import Callable
from typing import Any, Literal

from covet_rust_core._json_errors import JSONDecodeError as JSONDecodeError
from covet_rust_core._json_errors import JSONEncodeError as JSONEncodeError
from typing_extensions import Buffer

__all__ = [
    "JSONDecodeError",
    "JSONEncodeError",
    "dumps",
    "dumps_str",
    "loads",
]

def dumps(
    obj: Any,
    /,
    *,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    indent: int | None = None,
    non_str_keys: bool = False,
    nan: Literal["error", "null"] = "error",
    append_newline: bool = False,
) -> bytes:
    """Serialize ``obj`` to compact JSON as UTF-8 ``bytes``."""

def dumps_str(
    obj: Any,
    /,
    *,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    indent: int | None = None,
    non_str_keys: bool = False,
    nan: Literal["error", "null"] = "error",
    append_newline: bool = False,
) -> str:
    """Like ``dumps``, returning ``str``."""

def loads(data: str | Buffer, /) -> Any:
    """Parse a JSON document (strict RFC 8259) from ``str`` or UTF-8 bytes."""
