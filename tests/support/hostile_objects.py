"""Hostile objects shared by every domain's tests (tests/<domain>/test_hostile.py and the fuzz
harness): the ones more than one of them uses. ``ClassLiar`` stands for issue 18's class
"types are judged by the real type": ``isinstance`` believes its claim, CPython's C-level
checks (and so the native side, and the twin's ``type(x)`` tests) do not."""

from __future__ import annotations

from typing import Any


class ClassLiar:
    """Claims, through ``__class__``, to be an instance of ``claimed``."""

    def __init__(self, claimed: type) -> None:
        self.claimed = claimed

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return self.claimed

    def __repr__(self) -> str:
        return f"ClassLiar({self.claimed.__name__})"


class HostileError(Exception):
    """What a hostile object raises; its message names the hook that raised."""


class Index:
    """An int-like object: ``__index__`` gives ``value`` (anything, so a wrong type too), or
    raises ``HostileError("__index__")`` when it is None."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __index__(self) -> Any:
        if self.value is None:
            raise HostileError("__index__")
        return self.value

    def __repr__(self) -> str:
        return f"Index({self.value!r})"


class PathLike:
    """``os.fspath`` gives ``result`` (anything), or raises ``HostileError("__fspath__")``
    when it is None."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def __fspath__(self) -> Any:
        if self.result is None:
            raise HostileError("__fspath__")
        return self.result

    def __repr__(self) -> str:
        return f"PathLike({self.result!r})"


class ForeignHashStr(str):
    """A str whose hash is not str's: a dict holding it and the str of the same text keeps
    both, and a lookup by the plain text never finds it."""

    def __hash__(self) -> int:
        return hash(("foreign", str.__str__(self)))

    def __eq__(self, other: object) -> bool:
        return other is self

    def __repr__(self) -> str:
        return f"ForeignHashStr({str.__repr__(self)})"


class Growing(dict[Any, Any]):
    """A dict subclass whose ``items()`` adds an item after each one it gives."""

    def items(self) -> Any:
        for key, value in dict.items(self):
            yield key, value
            self[f"{key}+"] = value
