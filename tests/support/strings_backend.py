"""Helpers shared by the string tests (tests/strings/): the two backends under the
contract's names (docs/STRINGS.md), the ``backend`` fixture that runs a test on both, the
hypothesis settings and strategies, exact-exception checks, and the whole-Unicode check
that bisects a native/twin disagreement down to the code points that cause it.

Both backends are imported directly, as the JSON and JWT tests do:
``covet_rust_core._native`` (the extension) and ``covet_rust_core.fallback`` (the
pure-Python twin, which exports every function flat like the extension). A backend that
lacks one of the string names fails its cases; nothing is skipped."""

from __future__ import annotations

import html.entities
import importlib
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from types import ModuleType
from typing import Any, Final

import pytest
from covet_rust_core.pytest_plugin import load_native
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support.jwt_backend import expect, outcome

__all__ = [
    "BACKEND_NAMES",
    "SETTINGS",
    "STRING_NAMES",
    "Strings",
    "any_char",
    "any_text",
    "assigned_code_points",
    "backend",
    "both_backends",
    "disagreements",
    "expect",
    "identifiers",
    "latin_text",
    "load_backend",
    "nested_structures",
    "outcome",
    "query_strings",
    "strict_diff",
    "whole_unicode_mismatch",
]

# The flat names each backend module exports for strings (docs/STRINGS.md); escape_markup
# lives in covet_rust_core.strings, on top of either backend.
STRING_NAMES: Final = (
    "escape_html",
    "transliterate",
    "slugify",
    "to_snake",
    "to_camel",
    "to_pascal",
    "to_kebab",
    "to_snake_keys",
    "to_camel_keys",
    "to_pascal_keys",
    "to_kebab_keys",
    "quote",
    "quote_plus",
    "unquote",
    "unquote_plus",
    "urlencode",
    "parse_qsl",
    "parse_qs",
    "multi_replace",
    "Replacer",
    "secure_filename",
)
BACKEND_NAMES: Final = ("native", "twin")

# ~100 examples per hypothesis test keeps every string test file within seconds per
# backend; COVET_STRINGS_EXAMPLES=2000 (say) for a deeper run.
SETTINGS: Final = settings(
    max_examples=int(os.environ.get("COVET_STRINGS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Strings:
    """One implementation of the string contract, under the contract's names (a plain class,
    not a dataclass, so that hypothesis reports it by its short repr)."""

    name: str
    module: ModuleType
    escape_html: Callable[..., Any]
    transliterate: Callable[..., Any]
    slugify: Callable[..., Any]
    to_snake: Callable[..., Any]
    to_camel: Callable[..., Any]
    to_pascal: Callable[..., Any]
    to_kebab: Callable[..., Any]
    to_snake_keys: Callable[..., Any]
    to_camel_keys: Callable[..., Any]
    to_pascal_keys: Callable[..., Any]
    to_kebab_keys: Callable[..., Any]
    quote: Callable[..., Any]
    quote_plus: Callable[..., Any]
    unquote: Callable[..., Any]
    unquote_plus: Callable[..., Any]
    urlencode: Callable[..., Any]
    parse_qsl: Callable[..., Any]
    parse_qs: Callable[..., Any]
    multi_replace: Callable[..., Any]
    Replacer: Any
    secure_filename: Callable[..., Any]

    def __init__(self, name: str, module: ModuleType) -> None:
        self.name = name
        self.module = module
        for attr in STRING_NAMES:
            setattr(self, attr, getattr(module, attr))

    def __repr__(self) -> str:
        return f"<Strings {self.name}>"

    def function(self, name: str) -> Callable[..., Any]:
        """The function called ``name`` (for tests parametrized over names)."""
        found: Callable[..., Any] = getattr(self, name)
        return found


def _module(name: str) -> ModuleType:
    if name == "native":
        return load_native()
    if name == "twin":
        return importlib.import_module("covet_rust_core.fallback")
    raise ValueError(name)


def load_backend(name: str) -> Strings:
    """The backend ``"native"`` or ``"twin"``; fails the calling test (never skips it) when
    the module cannot be imported or lacks one of the string names."""
    module = _module(name)
    missing = [attr for attr in STRING_NAMES if not hasattr(module, attr)]
    if missing:
        pytest.fail(
            f"{module.__name__} ({name} backend) lacks the string names {missing}, so the "
            f"{name} half of this test cannot run",
            pytrace=False,
        )
    return Strings(name, module)


def both_backends() -> tuple[Strings, Strings]:
    """(native, twin), for differential checks; either one missing fails the test."""
    return load_backend("native"), load_backend("twin")


@pytest.fixture(params=BACKEND_NAMES)
def backend(request: pytest.FixtureRequest) -> Strings:
    """The native extension, then the pure-Python twin (ids ``native`` and ``twin``)."""
    return load_backend(request.param)


# --- Comparing results -------------------------------------------------------------------


def strict_diff(left: Any, right: Any, where: str = "$") -> str | None:
    """None when the two values are equal with the same types all the way down (dicts in
    order); otherwise a description of the first difference."""
    if type(left) is not type(right):
        left_type, right_type = type(left).__name__, type(right).__name__
        return f"{where}: {left_type} {left!r:.80} != {right_type} {right!r:.80}"
    pairs: list[tuple[Any, Any, str]] = []
    if isinstance(left, (list, tuple)):
        if len(left) != len(right):
            return f"{where}: length {len(left)} != {len(right)}"
        pairs = [(a, b, f"{where}[{i}]") for i, (a, b) in enumerate(zip(left, right, strict=True))]
    elif isinstance(left, dict):
        if list(left) != list(right):
            return f"{where}: keys {list(left)!r:.200} != {list(right)!r:.200}"
        pairs = [(left[key], right[key], f"{where}[{key!r}]") for key in left]
    elif left != right:
        return f"{where}: {left!r:.200} != {right!r:.200}"
    for a, b, place in pairs:
        found = strict_diff(a, b, place)
        if found is not None:
            return found
    return None


# --- Strategies --------------------------------------------------------------------------

# Every character the interpreter assigns, surrogates and unassigned code points excluded
# (docs/STRINGS.md, "Unicode data": the backends need not agree on code points newer than
# the interpreter's Unicode version).
any_char = st.characters(exclude_categories=("Cs", "Cn"))
astral_char = st.characters(min_codepoint=0x10000, exclude_categories=("Cs", "Cn"))
combining_mark = st.characters(categories=("Mn", "Mc", "Me"))
# Characters whose handling differs between libraries or languages: case with special
# mappings (final sigma, dotted I, ß, titlecase digraphs, ligatures), non-ASCII digits and
# numbers, Python-only whitespace, zero-width characters.
tricky_char = st.sampled_from(
    list(
        "ΣσςİıßẞǅǄǆﬁﬀŉΐ٣۴߀²½ⅫⅻⓐⒶ\x1c\x1d\x1e\x1f\x85\xa0\u2028\u2029\u3000"
        "\u200b\u200c\u200d\u2060\ufeff\u0301\u0345\u00ad"
    )
)


def any_text(max_size: int = 30) -> st.SearchStrategy[str]:
    """Any text of assigned characters, weighted towards astral characters, combining
    marks and the tricky characters above."""
    return st.text(
        st.one_of(any_char, astral_char, combining_mark, tricky_char, st.sampled_from("aA _-")),
        max_size=max_size,
    )


# Latin script on which python-slugify's transliteration (text-unidecode) and deunicode
# agree (docs/STRINGS.md: identical on Latin-script text): Latin-1 Supplement, Latin
# Extended-A and -B (but U+0241/U+0242, which text-unidecode does not know), Latin Extended
# Additional (up to U+1EF9, same reason), the combining diacritics NFKD produces, and the
# common punctuation of U+2000-U+204D.
LATIN_CHARS: Final = "".join(
    chr(code)
    for low, high in ((0x20, 0x7E), (0xA0, 0x240), (0x243, 0x24F), (0x1E00, 0x1EF9))
    for code in range(low, high + 1)
    if unicodedata.category(chr(code)) != "Cn"
)
LATIN_EXTRAS: Final = (
    "".join(chr(code) for code in range(0x300, 0x34F))
    + "".join(
        chr(code) for code in range(0x2000, 0x204E) if unicodedata.category(chr(code)) != "Cn"
    )
    + "\t\n\r\x0b\x0c"
)
_ENTITY_NAMES: Final = sorted(html.entities.name2codepoint)
# Fragments that exercise the slug pipeline: quotes, digit commas, entity and numeric
# references (valid, out of range, surrogates, upper-case X, unterminated), dashes.
SLUG_TOKENS: Final = (
    "'",
    "''",
    "1,000",
    "3,5",
    ",",
    "-",
    "--",
    "_",
    "&",
    "&amp;",
    "&lt;",
    "&#39;",
    "&#233;",
    "&#0;",
    "&#00065;",
    "&#x41;",
    "&#xe9;",
    "&#X41;",
    "&#x;",
    "&#55296;",
    "&#xD800;",
    "&#1114111;",
    "&#1114112;",
    "&#x110000;",
    "&#99999999999999999999;",
    "&#12354;",
    "&#x1F600;",
    "&eacute",
    "&nbsp;",
)


def latin_text(max_size: int = 12) -> st.SearchStrategy[str]:
    """Latin-script text (English ... Vietnamese, Nordic) with entity references and
    the punctuation slugs meet."""
    piece = st.one_of(
        st.text(st.sampled_from(LATIN_CHARS), min_size=1, max_size=6),
        st.text(st.sampled_from(LATIN_EXTRAS), min_size=1, max_size=2),
        st.sampled_from(SLUG_TOKENS),
        st.sampled_from(_ENTITY_NAMES).map(lambda name: f"&{name};"),
        # References to characters this interpreter has assigned: a newer one decodes to a
        # character the two backends may classify differently (docs/STRINGS.md, "Unicode
        # data"; 3.13 found &#68930;, a Unicode 16 letter). Surrogates and out-of-range
        # values are in SLUG_TOKENS.
        any_char.map(lambda char: f"&#{ord(char)};"),
        any_char.map(lambda char: f"&#x{ord(char):x};"),
        st.sampled_from(["Straße", "Ærø", "Łódź", "İstanbul", "Đà Nẵng", "naïve café", "Œuvre"]),
    )
    return st.lists(piece, max_size=max_size).map("".join)


_IDENT_TOKENS: Final = (
    "a",
    "b",
    "A",
    "B",
    "z",
    "Z",
    "0",
    "9",
    "_",
    "-",
    "__",
    "--",
    "-_",
    " ",
    "id",
    "Id",
    "ID",
    "HTTP",
    "Http",
    "URL",
    "user",
    "User",
    "userId",
    "XMLHttpRequest",
    "APIResponse",
    "v2",
    "V2",
    "2FA",
    "é",
    "É",
    "ß",
    "ǅ",
    "İ",
    "Σ",
    "ς",
    "٣",
    "²",
    "\t",
    "\u3000",
)


def identifiers(max_size: int = 8) -> st.SearchStrategy[str]:
    """Identifier-like strings in every casing convention, acronyms and digits included."""
    return st.lists(st.sampled_from(_IDENT_TOKENS), max_size=max_size).map("".join)


def nested_structures(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """A dict or list, nested dicts and lists inside, with str keys; scalar, tuple and set
    leaves. (The top level is a container: given a scalar, pyhumps converts it as a string,
    where the ``*_keys`` forms return it as it is.)"""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        identifiers(4),
        st.tuples(identifiers(3)),
        st.frozensets(st.integers(), max_size=2),
    )

    def containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4)

    return containers(st.recursive(leaves, containers, max_leaves=20))


_QUERY_TOKENS: Final = (
    "&",
    "&",
    ";",
    "=",
    "=",
    "+",
    "%",
    "%%",
    "%2",
    "%20",
    "%2B",
    "%2b",
    "%26",
    "%3D",
    "%zz",
    "%g0",
    "%0g",
    "%C3%A9",
    "%c3%a9",
    "%C3",
    "%E2%82",
    "%E2%82%AC",
    "%FF",
    "%80",
    "%C0%AF",
    "%ED%A0%80",
    "%F0%9F%98%80",
    "%F0%9F%98",
    "%F4%90%80%80",
    "a",
    "b",
    "key",
    " ",
    "é",
    "\U0001f600",
    "\x00",
)
_HEX_AND_NOT: Final = "0123456789abcdefABCDEFgG%+ é"


def query_strings(max_size: int = 12) -> st.SearchStrategy[str]:
    """Query strings: separators, '=', '+', valid and invalid % escapes (non-hex digits,
    truncated and invalid UTF-8), astral and other non-ASCII text."""
    escape = st.tuples(st.sampled_from(_HEX_AND_NOT), st.sampled_from(_HEX_AND_NOT)).map(
        lambda pair: "%" + pair[0] + pair[1]
    )
    piece = st.one_of(st.sampled_from(_QUERY_TOKENS), escape, any_text(3))
    return st.lists(piece, max_size=max_size).map("".join)


# --- Whole Unicode -----------------------------------------------------------------------


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
