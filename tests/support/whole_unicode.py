"""Every assigned code point at once: one string of the whole of Unicode (as the interpreter
knows it) through two functions, and, when they disagree, a bisection down to the code points
that cause it, ready for an assertion message."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import cache

from tests.support.outcomes import outcome


@cache
def assigned_code_points() -> tuple[int, ...]:
    """Every code point the interpreter's Unicode version assigns, surrogates excluded."""
    return tuple(
        code
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) not in ("Cs", "Cn")
    )


def disagreements(
    left: Callable[[str], object],
    right: Callable[[str], object],
    codes: Sequence[int],
    joiner: str,
    limit: int = 5,
) -> Iterator[str]:
    """Bisects ``codes`` (known to disagree when joined) down to single code points, or to
    the smallest range that disagrees while both its halves agree (a context effect)."""
    found = 0

    def walk(part: Sequence[int]) -> Iterator[str]:
        nonlocal found
        if found >= limit:
            return
        text = joiner.join(map(chr, part))
        a, b = outcome(left, text), outcome(right, text)
        if a == b:
            return
        if len(part) == 1:
            found += 1
            char = chr(part[0])
            yield (
                f"U+{part[0]:04X} {unicodedata.name(char, '?')} ({unicodedata.category(char)}): "
                f"{a!r:.120} != {b!r:.120}"
            )
            return
        middle = len(part) // 2
        before = found
        yield from walk(part[:middle])
        yield from walk(part[middle:])
        if found == before:
            found += 1
            yield (
                f"U+{part[0]:04X}..U+{part[-1]:04X} joined by {joiner!r} (each half alone "
                f"agrees): {a!r:.120} != {b!r:.120}"
            )

    yield from walk(codes)


def whole_unicode_mismatch(
    left: Callable[[str], object], right: Callable[[str], object], joiner: str = "\n"
) -> str | None:
    """None when ``left`` and ``right`` give the same result for one string made of every
    assigned code point joined by ``joiner``; otherwise the first few offending code
    points (found by bisection), ready for an assertion message."""
    codes = assigned_code_points()
    text = joiner.join(map(chr, codes))
    if outcome(left, text) == outcome(right, text):
        return None
    lines = list(disagreements(left, right, codes, joiner))
    return "\n".join(["the backends disagree; first offending code points:", *lines])
