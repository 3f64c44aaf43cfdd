"""Hypothesis strategies and settings for the string helpers' tests: text weighted towards
the characters libraries disagree on, Latin text for slugs, identifiers in every casing
convention, nested structures for the ``*_keys`` forms, query strings, and argument values of
every type."""

from __future__ import annotations

import html.entities
import os
import unicodedata
from typing import Any, Final

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# ~100 examples per hypothesis test keeps every string test file within seconds per
# backend; COVET_STRINGS_EXAMPLES=2000 (say) for a deeper run.
SETTINGS: Final = settings(
    max_examples=int(os.environ.get("COVET_STRINGS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

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


# Arguments of every type, for calls with any arguments at all (the native extension and the
# twin must agree on the result, or on the exception's type and message).
argument_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 50),
    st.floats(allow_nan=False),
    any_text(6),
    st.sampled_from(["", "-", "&", "a=1&b", "someKey", "CON", "%zz%C3"]),
    st.binary(max_size=4),
)
argument_values = st.recursive(
    argument_scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.tuples(children, children)
        | st.dictionaries(any_text(3), children, max_size=3)
    ),
    max_leaves=6,
)
