"""Hostile objects shared by every domain's tests (tests/<domain>/test_hostile.py and the fuzz
harness). ``ClassLiar`` stands for issue 18's class "types are judged by the real type":
``isinstance`` believes its claim, CPython's C-level checks (and so the native side, and
the twin's ``type(x)`` tests) do not."""

from __future__ import annotations


class ClassLiar:
    """Claims, through ``__class__``, to be an instance of ``claimed``."""

    def __init__(self, claimed: type) -> None:
        self.claimed = claimed

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return self.claimed

    def __repr__(self) -> str:
        return f"ClassLiar({self.claimed.__name__})"
