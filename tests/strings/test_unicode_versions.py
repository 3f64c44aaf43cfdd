"""The native string helpers follow the running interpreter's Unicode data, not their crates'
(crates/covet-core/src/strings/unicode.rs, unicode_versions.rs made by
examples/unicode_versions.py).

The whole-Unicode tests of each helper feed every code point the interpreter assigns; these
feed the ones it does not. Later Unicode versions put their new characters there, and the
native side's tables (unicode-general-category, the standard library's case tables,
unicode-normalization) may already know them: on CPython 3.11 (Unicode 14) U+1E4D0, a Nag
Mundari letter of Unicode 15, must still be no letter, with no case and no decomposition, as
the twin (the interpreter's own ``str`` methods and ``unicodedata``) has it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from tests.support.outcomes import outcome
from tests.support.strings_backend import both_backends
from tests.support.whole_unicode import disagreements

# Below U+40000: the planes where Unicode adds characters (BMP, SMP, SIP, TIP).
LAST_PLANE_END = 0x40000

CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "slugify": ("slugify", {}),
    "slugify-keep-case": ("slugify", {"lowercase": False}),
    "slugify-unicode": ("slugify", {"allow_unicode": True}),
    "slugify-unicode-keep-case": ("slugify", {"allow_unicode": True, "lowercase": False}),
    "to_snake": ("to_snake", {}),
    "to_camel": ("to_camel", {}),
    "to_pascal": ("to_pascal", {}),
    "to_kebab": ("to_kebab", {}),
    "secure_filename": ("secure_filename", {}),
    "transliterate": ("transliterate", {}),
}


@cache
def unassigned_code_points() -> tuple[int, ...]:
    """Every code point below U+40000 that the interpreter leaves unassigned (Cn)."""
    return tuple(code for code in range(LAST_PLANE_END) if unicodedata.category(chr(code)) == "Cn")


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("joiner", ["\n", "a", "A"], ids=["newline", "lower", "upper"])
def test_native_and_twin_agree_on_code_points_the_interpreter_does_not_assign(
    call: str, joiner: str
) -> None:
    """Joined by a newline, a lowercase and an uppercase letter: the cased joiners make the
    case helpers look at each character's case and its neighbours'."""
    native, twin = both_backends()
    name, options = CALLS[call]

    def bind(function: Callable[..., object]) -> Callable[[str], object]:
        return lambda text: function(text, **options)

    ours, theirs = bind(native.function(name)), bind(twin.function(name))
    codes = unassigned_code_points()
    text = joiner.join(map(chr, codes))
    if outcome(ours, text) != outcome(theirs, text):
        found = "\n".join(disagreements(ours, theirs, codes, joiner))
        pytest.fail(f"the backends disagree; first offending code points:\n{found}")
